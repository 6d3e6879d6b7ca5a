package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void theBulkRateLeavesOutASlowStartAndADrain() {
        Progress progress = new Progress();
        // a slow start: 10 in 10 s; the bulk: 80 in 4 s; a drain: 10 in 20 s
        for (int s = 1; s <= 10; s++) {
            progress.record(s * SECOND, s);
        }
        for (int s = 1; s <= 4; s++) {
            progress.record((10 + s) * SECOND, 10 + 20L * s);
        }
        for (int s = 1; s <= 10; s++) {
            progress.record((14 + 2 * s) * SECOND, 90 + s);
        }

        assertEquals(100, progress.total());
        assertEquals(33, progress.seconds(), 1e-9);
        // 10 % reached at 10 s, 90 % at 14 s: 80 % of 1,000 messages in 4 s
        assertEquals(200, progress.rateBetween(0.1, 0.9, 1_000), 1e-9);
        // from the first increase (1 s): 10 % at 10 s, 90 % at 14 s, 99 % at 32 s
        assertEquals(9, progress.secondsTo(0.1), 1e-9);
        assertEquals(13, progress.secondsTo(0.9), 1e-9);
        assertEquals(31, progress.secondsTo(0.99), 1e-9);
    }

    @Test
    void keepsOnlyIncreases() {
        Progress progress = new Progress();
        progress.record(SECOND, 5);
        progress.record(2 * SECOND, 5);
        progress.record(3 * SECOND, 4);
        progress.record(5 * SECOND, 10);

        assertEquals(10, progress.total());
        assertEquals(4, progress.seconds(), 1e-9);
        assertEquals(5.0 / 4, progress.rateBetween(0.5, 1, 10), 1e-9);
    }

    @Test
    void nothingCountedIsNoRate() {
        Progress progress = new Progress();

        assertEquals(0, progress.total());
        assertEquals(0, progress.rateBetween(0.1, 0.9, 100));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class, () -> progress.rateBetween(0.9, 0.1, 100));
        assertTrue(e.getMessage().contains("0 <= from < to <= 1"), e.getMessage());
    }
}
