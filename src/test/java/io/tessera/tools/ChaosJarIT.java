package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code ./tessera chaos --quick}, the short version (45 s of traffic, 15 records a second, single
 * identity mode): the shaded jar on two real standalone clusters, one clean and one with a
 * taskmanager killed, the broker restarted, a checkpoint timed out, Personalize down and slow; the
 * two runs' outputs must be the same.
 */
class ChaosJarIT {

    @Test
    @Timeout(900)
    void theJobComesOutOfEveryFaultAsItWouldHaveWithoutIt() throws Exception {
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        try (PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8)) {
            status =
                    ChaosCommand.main(
                            new String[] {
                                "--quick",
                                "--seconds",
                                "45",
                                "--rate",
                                "15",
                                "--identity-mode",
                                "single",
                                "--jar",
                                System.getProperty("tessera.jar", "missing")
                            },
                            new PrintStream(
                                    new Tee(out, System.out), true, StandardCharsets.UTF_8));
        }
        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines().toList();
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("CHAOS faults 5 |"), "five faults injected: " + last);
        assertTrue(
                last.endsWith("| lost 0 | duplicated 0 | differing 0 | dead letters from faults 0"),
                last);
        assertTrue(
                lines.stream().filter(l -> l.contains("recovered in")).count() >= 5,
                "every fault recovered from");
        assertEquals(0, status, "the exit status");
    }

    /** Prints to both streams: the test's record, and the build's log. */
    private static final class Tee extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        Tee(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
