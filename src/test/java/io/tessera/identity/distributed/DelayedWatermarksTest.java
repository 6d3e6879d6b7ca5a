package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class DelayedWatermarksTest {
    @Test
    void holdsEventTimeBackButNotItsEndNorTheRecords() throws Exception {
        try (OneInputStreamOperatorTestHarness<String, String> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new DelayedWatermarks<>(Duration.ofSeconds(3)))) {
            harness.open();
            harness.processElement(new StreamRecord<>("a", 9_000));
            harness.processWatermark(new Watermark(10_000));
            harness.processElement(new StreamRecord<>("late for the input, not for us", 8_000));
            harness.processWatermark(new Watermark(12_500));
            harness.processWatermark(new Watermark(Long.MAX_VALUE));

            List<Object> out = new ArrayList<>(harness.getOutput());
            assertEquals(
                    List.of(
                            new StreamRecord<>("a", 9_000),
                            new Watermark(7_000),
                            new StreamRecord<>("late for the input, not for us", 8_000),
                            new Watermark(9_500),
                            new Watermark(Long.MAX_VALUE)),
                    out);
        }
    }
}
