package io.tessera.ingest;

import java.time.Duration;
import org.apache.flink.api.common.eventtime.BoundedOutOfOrdernessWatermarks;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Event time and watermarks for parsed records, applied at the source so each Kafka partition has
 * its own watermark. Dead letters carry the time they were refused and never move the watermark: a
 * junk record with a wall-clock time must not make a replay of old events late.
 */
public final class IngestWatermarks {
    private IngestWatermarks() {}

    /** Bounded out-of-orderness over accepted events, with source idleness. */
    public static WatermarkStrategy<IngestRecord> strategy(IngestSettings settings) {
        Duration delay = settings.maxOutOfOrderness();
        WatermarkStrategy<IngestRecord> acceptedOnly =
                context -> new AcceptedEventsOnly(new BoundedOutOfOrdernessWatermarks<>(delay));
        return acceptedOnly
                .withTimestampAssigner(new RecordTimestamps())
                .withIdleness(settings.idleness());
    }

    /** The event time of an accepted event, the refusal time of a dead letter. */
    static final class RecordTimestamps implements SerializableTimestampAssigner<IngestRecord> {
        private static final long serialVersionUID = 1L;

        @Override
        public long extractTimestamp(IngestRecord record, long recordTimestamp) {
            return record.isAccepted() ? record.event().eventTime() : record.deadLetter().at();
        }
    }

    /** Feeds only accepted events to the wrapped generator. */
    static final class AcceptedEventsOnly implements WatermarkGenerator<IngestRecord> {
        private final WatermarkGenerator<IngestRecord> delegate;

        AcceptedEventsOnly(WatermarkGenerator<IngestRecord> delegate) {
            this.delegate = delegate;
        }

        @Override
        public void onEvent(IngestRecord record, long eventTimestamp, WatermarkOutput output) {
            if (record.isAccepted()) {
                delegate.onEvent(record, eventTimestamp, output);
            }
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            delegate.onPeriodicEmit(output);
        }
    }
}
