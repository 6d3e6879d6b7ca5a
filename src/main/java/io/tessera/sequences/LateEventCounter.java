package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Counts the events a sequence's CEP operator refused as late (behind the watermark), metric {@code
 * sequences.lateEvents}: such an event cannot take part in a match any more.
 */
final class LateEventCounter extends ProcessFunction<ResolvedEvent, Void> {
    private static final long serialVersionUID = 1L;

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("sequences").counter("lateEvents");
    }

    @Override
    public void processElement(ResolvedEvent event, Context ctx, Collector<Void> out) {
        late.inc();
    }
}
