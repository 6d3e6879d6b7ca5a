package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Where a bench run's CPU goes, by kind of thread, from the kernel's per-thread counters. */
class ThreadCpuTest {
    @Test
    void aStatLineGivesUserPlusSystemTimeWhateverTheThreadsName() {
        String stat =
                "4242 (Sequence (rep) x) R 1 1 1 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 1 0 9"
                        + " 0 0";
        assertEquals(3.25, ThreadCpu.seconds(stat), 1e-9);
    }

    @Test
    void betweenTwoReadingsEachKindCountsWhatItsThreadsUsedAndANewThreadAllOfIt() {
        ThreadCpu.Reading before =
                ThreadCpu.of(
                        List.of(
                                new String[] {"1", "C2 CompilerThre", "10.0"},
                                new String[] {"2", "rocksdb:low", "1.0"},
                                new String[] {"3", "gone", "5.0"}));
        ThreadCpu.Reading after =
                ThreadCpu.of(
                        List.of(
                                new String[] {"1", "C2 CompilerThre", "12.5"},
                                new String[] {"2", "rocksdb:low", "1.0"},
                                new String[] {"4", "C2 CompilerThre", "0.5"},
                                new String[] {"5", "HttpClient-12-Wo", "0.25"}));

        Map<String, Double> used = ThreadCpu.between(before, after);

        assertEquals(List.of("C# CompilerThre", "HttpClient-#-Wo"), List.copyOf(used.keySet()));
        assertEquals(3.0, used.get("C# CompilerThre"), 1e-9);
        assertEquals(0.25, used.get("HttpClient-#-Wo"), 1e-9);
    }

    @Test
    void theTopKindsThenTheRestInOneLine() {
        Map<String, Double> top =
                ThreadCpu.top(
                        new java.util.LinkedHashMap<>(Map.of("a", 3.0)) {
                            {
                                put("b", 2.0);
                                put("c", 1.0);
                                put("d", 0.5);
                            }
                        },
                        2);
        assertEquals(List.of("a", "b", "(other threads)"), List.copyOf(top.keySet()));
        assertEquals(1.5, top.get("(other threads)"), 1e-9);
    }

    @Test
    void aThreadThatWorksShowsUnderItsOwnName() throws Exception {
        assumeTrue(ThreadCpu.available(), "Linux only");
        ThreadCpu.Reading before = ThreadCpu.read();
        CountDownLatch spun = new CountDownLatch(1);
        CountDownLatch read = new CountDownLatch(1);
        Thread worker =
                new Thread(
                        () -> {
                            long until = System.nanoTime() + 400_000_000L;
                            while (System.nanoTime() < until) {
                                Thread.onSpinWait();
                            }
                            spun.countDown();
                            try {
                                read.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "spinner-for-test");
        worker.start();
        spun.await();
        ThreadCpu.Reading after = ThreadCpu.read();
        read.countDown();
        worker.join();

        Map<String, Double> used = ThreadCpu.between(before, after);
        assertTrue(used.getOrDefault("spinner-for-tes", 0.0) > 0.05, used.toString());
    }

    @Test
    void threadsEndingWhileTheyAreReadAreLeftToTheTotal() throws Exception {
        assumeTrue(ThreadCpu.available(), "Linux only");
        AtomicBoolean stop = new AtomicBoolean();
        Thread churn =
                new Thread(
                        () -> {
                            while (!stop.get()) {
                                Thread brief = new Thread(() -> {}, "brief");
                                brief.start();
                                try {
                                    brief.join();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                    return;
                                }
                            }
                        },
                        "churn");
        churn.start();
        try {
            for (int i = 0; i < 200; i++) {
                assertTrue(ThreadCpu.read().threads().size() > 1);
            }
        } finally {
            stop.set(true);
            churn.join();
        }
    }
}
