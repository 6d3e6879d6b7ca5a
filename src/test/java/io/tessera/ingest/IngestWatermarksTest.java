package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.util.clock.SystemClock;
import org.junit.jupiter.api.Test;

class IngestWatermarksTest {
    private static final long EVENT_TIME = 1_735_725_600_000L; // 2025-01-01T10:00:00Z
    private static final long REFUSED_AT = IngestFixtures.NOW.toEpochMilli();
    private static final Duration DELAY = IngestFixtures.SETTINGS.maxOutOfOrderness();

    private final WatermarkStrategy<IngestRecord> strategy =
            IngestWatermarks.strategy(IngestFixtures.SETTINGS);

    @Test
    void stampsEventsWithEventTimeAndDeadLettersWithTheirRefusalTime() {
        TimestampAssigner<IngestRecord> assigner =
                strategy.createTimestampAssigner(new TimestampAssignerContextStub());

        assertEquals(EVENT_TIME, assigner.extractTimestamp(accepted(EVENT_TIME), -1L));
        assertEquals(REFUSED_AT, assigner.extractTimestamp(refused(), -1L));
    }

    @Test
    void trailsTheLargestEventTimeAndIgnoresDeadLetters() {
        WatermarkGenerator<IngestRecord> generator =
                strategy.createWatermarkGenerator(new GeneratorContextStub());
        Recorder out = new Recorder();

        generator.onEvent(accepted(EVENT_TIME), EVENT_TIME, out);
        generator.onEvent(refused(), REFUSED_AT, out);
        generator.onEvent(accepted(EVENT_TIME - 5_000), EVENT_TIME - 5_000, out);
        generator.onPeriodicEmit(out);

        assertEquals(List.of(EVENT_TIME - DELAY.toMillis() - 1), out.watermarks);
    }

    private static IngestRecord accepted(long eventTime) {
        return IngestRecord.accepted(
                new CustomerEvent(
                        "m",
                        "page",
                        null,
                        eventTime,
                        List.of(new Identifier("anonymous_id", "a1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }

    private static IngestRecord refused() {
        return IngestRecord.refused(
                new DeadLetter(
                        "bad_type", "unknown type", "{}", "utf-8", null, "t", 0, 0, REFUSED_AT));
    }

    private static final class Recorder implements WatermarkOutput {
        final List<Long> watermarks = new ArrayList<>();

        @Override
        public void emitWatermark(Watermark watermark) {
            watermarks.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {}

        @Override
        public void markActive() {}
    }

    private static final class TimestampAssignerContextStub
            implements org.apache.flink.api.common.eventtime.TimestampAssignerSupplier.Context {
        @Override
        public org.apache.flink.metrics.MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup();
        }
    }

    private static final class GeneratorContextStub
            implements org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier.Context {
        @Override
        public org.apache.flink.metrics.MetricGroup getMetricGroup() {
            return new UnregisteredMetricsGroup();
        }

        @Override
        public org.apache.flink.util.clock.RelativeClock getInputActivityClock() {
            return SystemClock.getInstance();
        }
    }
}
