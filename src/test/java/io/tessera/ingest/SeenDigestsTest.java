package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class SeenDigestsTest {
    private static final long WINDOW = 3_600_000L;

    /**
     * Against a map of each digest's first sighting: after any sequence of sightings, read back
     * from its bytes at every step, the value holds exactly the digests first seen within the
     * window, until it is full.
     */
    @Property
    void holdsTheDigestsFirstSeenWithinTheWindow(
            @ForAll @Size(max = 120) List<@IntRange(min = 0, max = 40) Integer> digests,
            @ForAll @Size(max = 120) List<@LongRange(min = 0, max = 1_000_000) Long> steps) {
        SeenDigests value = SeenDigests.empty();
        Map<Long, Long> firstSeen = new HashMap<>();
        long now = 1_764_900_000_000L;
        for (int i = 0; i < digests.size(); i++) {
            now += i < steps.size() ? steps.get(i) : 0;
            long digest = digests.get(i) * 0x9E3779B97F4A7C15L;
            final long at = now;
            firstSeen.values().removeIf(time -> time + WINDOW <= at);
            assertEquals(firstSeen.containsKey(digest), value.contains(digest, now, WINDOW));
            if (!firstSeen.containsKey(digest)) {
                assertTrue(value.add(digest, now, WINDOW), "41 digests at most, never full");
                firstSeen.put(digest, now);
                assertEquals(firstSeen.size(), value.size(), "the expired ones dropped at an add");
            }
            SeenDigests read = SeenDigests.of(value.bytes());
            assertArrayEquals(value.bytes(), read.bytes());
            value = read;
        }
    }

    @Test
    void refusesOneMoreThanItKeepsAndSaysUntilWhenTheMapMayHoldIt() {
        SeenDigests value = SeenDigests.empty();
        for (int i = 0; i < SeenDigests.MAX_KEPT; i++) {
            assertTrue(value.add(i, 1_000 + i, WINDOW));
        }
        assertFalse(value.add(-1, 2_000, WINDOW));
        assertFalse(value.contains(-1, 2_000, WINDOW));
        assertFalse(value.mayHaveOverflowed(2_000));
        value.overflowedUntil(2_000 + WINDOW);

        SeenDigests read = SeenDigests.of(value.bytes());
        assertTrue(read.mayHaveOverflowed(2_000 + WINDOW - 1));
        assertFalse(read.mayHaveOverflowed(2_000 + WINDOW));
        assertTrue(read.add(-1, 1_000 + WINDOW, WINDOW), "room again once the first has expired");
    }

    @Test
    void takesAboutTenBytesADigest() {
        SeenDigests value = SeenDigests.empty();
        long now = 1_764_900_000_000L;
        for (int i = 0; i < 4; i++) {
            value.add(i, now + 60_000L * i, WINDOW);
        }
        assertEquals(1 + 6 + 8 + 3 * (3 + 8), value.bytes().length);
    }

    @Test
    void saysWhenAValueIsCorrupt() {
        byte[] cut = new byte[] {0, 2, 1, 2, 3};
        IllegalStateException e =
                assertThrows(IllegalStateException.class, () -> SeenDigests.of(cut));
        assertTrue(e.getMessage().contains("5 bytes"), e.getMessage());
    }
}
