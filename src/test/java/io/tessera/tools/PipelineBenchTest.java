package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The bench's measure of work: the CPU time of its process. */
class PipelineBenchTest {
    @Test
    void theProcessCpuTimeGrowsWithTheWorkDone() {
        long before = PipelineBench.processCpuNanos();
        long busyUntil = System.nanoTime() + 100_000_000L;
        long spins = 0;
        while (System.nanoTime() < busyUntil) {
            spins++;
        }
        long used = PipelineBench.processCpuNanos() - before;
        assertTrue(spins > 0);
        assertTrue(used >= 50_000_000L, "100 ms of spinning used " + used + " ns of CPU");
    }
}
