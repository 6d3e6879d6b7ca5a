package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DelayedWatermarksTest {
    @Test
    void passesRecordsAtOnceAndEachWatermarkTheDelayOfTheClockLater() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                opened(Duration.ofSeconds(2))) {
            harness.setProcessingTime(1_000);
            harness.processElement(new StreamRecord<>("a", 9_000));
            harness.processWatermark(new Watermark(10_000));
            harness.setProcessingTime(1_500);
            harness.processElement(new StreamRecord<>("late for the input, not for us", 8_000));
            // a backlog: event time runs a minute ahead in half a second of the clock
            harness.processWatermark(new Watermark(70_000));
            harness.setProcessingTime(2_999);
            assertEquals(
                    List.of(
                            new StreamRecord<>("a", 9_000),
                            new StreamRecord<>("late for the input, not for us", 8_000)),
                    new ArrayList<>(harness.getOutput()));

            harness.setProcessingTime(3_050);
            harness.processElement(new StreamRecord<>("b", 71_000));
            harness.setProcessingTime(3_550);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            harness.setProcessingTime(10_000);

            assertEquals(
                    List.of(
                            new StreamRecord<>("a", 9_000),
                            new StreamRecord<>("late for the input, not for us", 8_000),
                            new Watermark(10_000),
                            new StreamRecord<>("b", 71_000),
                            new Watermark(70_000),
                            new Watermark(Long.MAX_VALUE)),
                    new ArrayList<>(harness.getOutput()));
        }
    }

    @Test
    void anInputGoneIdleIsAnnouncedAfterTheWatermarksStillDue() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                opened(Duration.ofSeconds(2))) {
            harness.setProcessingTime(0);
            harness.processWatermark(new Watermark(10_000));
            harness.processWatermarkStatus(WatermarkStatus.IDLE);
            assertEquals(List.of(), new ArrayList<>(harness.getOutput()));
            harness.setProcessingTime(5_000);
            harness.processWatermarkStatus(WatermarkStatus.ACTIVE);
            harness.processWatermarkStatus(WatermarkStatus.IDLE);

            assertEquals(
                    List.of(
                            new Watermark(10_000),
                            WatermarkStatus.IDLE,
                            WatermarkStatus.ACTIVE,
                            WatermarkStatus.IDLE),
                    new ArrayList<>(harness.getOutput()));
        }
    }

    @Test
    void watermarksDueTogetherLeaveAsTheLatest() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                opened(Duration.ofMillis(100))) {
            harness.setProcessingTime(0);
            harness.processWatermark(new Watermark(1));
            harness.setProcessingTime(10);
            harness.processWatermark(new Watermark(2));
            harness.setProcessingTime(60);
            harness.processWatermark(new Watermark(3));
            harness.setProcessingTime(1_000);

            assertEquals(
                    List.of(new Watermark(2), new Watermark(3)),
                    new ArrayList<>(harness.getOutput()));
        }
    }

    private static OneInputStreamOperatorTestHarness<String, String> opened(Duration delay)
            throws Exception {
        OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(new DelayedWatermarks<>(delay));
        harness.open();
        return harness;
    }
}
