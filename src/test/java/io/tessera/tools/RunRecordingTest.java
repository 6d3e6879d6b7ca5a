package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench's recording of a run: what ran on a thread while it recorded, and when it stopped. */
class RunRecordingTest {
    @Test
    void recordsTheSamplesAndCpuLoadOfAThreadBusyWhileItRecords(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("runs").resolve("single.jfr");
        RunRecording recording = RunRecording.start(file);
        Thread busy = new Thread(RunRecordingTest::spin, "bench-test-busy");
        busy.start();
        busy.join();
        assertEquals(file, recording.stop());
        recording.close(); // a second stop writes nothing more

        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        assertTrue(
                events.stream()
                        .filter(e -> e.getEventType().getName().equals("jdk.ExecutionSample"))
                        .anyMatch(
                                e ->
                                        e.getStackTrace().getFrames().stream()
                                                .anyMatch(
                                                        f ->
                                                                f.getMethod()
                                                                        .getName()
                                                                        .equals("spin"))),
                "an execution sample in the busy thread's method");
        assertTrue(
                events.stream()
                        .anyMatch(e -> e.getEventType().getName().equals("jdk.ThreadCPULoad")),
                "each thread's CPU load");
        assertTrue(Files.size(file) > 0);
    }

    /** About two seconds of work on this thread's CPU (samples come every 10 ms). */
    private static void spin() {
        long until = System.nanoTime() + 2_000_000_000L;
        double x = 0;
        while (System.nanoTime() < until) {
            for (int i = 0; i < 10_000; i++) {
                x += Math.sqrt(i + x % 7);
            }
        }
        if (x == 42) {
            System.out.println(x); // keeps the loop from being removed
        }
    }
}
