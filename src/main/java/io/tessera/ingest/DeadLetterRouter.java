package io.tessera.ingest;

import java.util.EnumMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Splits parsed records: accepted events go on, dead letters go to {@link
 * IngestOutputs#DEAD_LETTERS}. Counts both, dead letters per reason ({@code
 * ingest.deadLetters{reason=...}}).
 */
public final class DeadLetterRouter extends ProcessFunction<IngestRecord, SourcedEvent> {
    private static final long serialVersionUID = 1L;

    private transient Counter accepted;
    private transient Map<DeadLetterReason, Counter> deadLetters;

    @Override
    public void open(OpenContext openContext) {
        MetricGroup ingest = getRuntimeContext().getMetricGroup().addGroup("ingest");
        accepted = ingest.counter("accepted");
        deadLetters = new EnumMap<>(DeadLetterReason.class);
        for (DeadLetterReason reason : DeadLetterReason.values()) {
            deadLetters.put(
                    reason, ingest.addGroup("reason", reason.wireName()).counter("deadLetters"));
        }
    }

    @Override
    public void processElement(IngestRecord record, Context ctx, Collector<SourcedEvent> out) {
        if (record.isAccepted()) {
            accepted.inc();
            out.collect(new SourcedEvent(record.key(), record.event()));
            return;
        }
        DeadLetter deadLetter = record.deadLetter();
        deadLetters.get(DeadLetterReason.fromWireName(deadLetter.reason())).inc();
        ctx.output(IngestOutputs.DEAD_LETTERS, deadLetter);
    }
}
