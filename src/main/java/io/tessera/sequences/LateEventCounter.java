package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import java.time.Instant;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the events a sequence's CEP operator refused as late (behind the watermark), metric {@code
 * sequences.lateEvents}: such an event cannot take part in a match any more. The first and then
 * every 2^n-th are logged with their time and the watermark, so a run that loses matches says why.
 */
final class LateEventCounter extends ProcessFunction<ResolvedEvent, Void> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LateEventCounter.class);

    private transient Counter late;

    @Override
    public void open(OpenContext openContext) {
        late = getRuntimeContext().getMetricGroup().addGroup("sequences").counter("lateEvents");
    }

    @Override
    public void processElement(ResolvedEvent event, Context ctx, Collector<Void> out) {
        late.inc();
        if (Long.bitCount(late.getCount()) == 1) {
            LOG.warn(
                    "{}: {} event(s) came behind the sequence's watermark and take part in no"
                            + " match; the last at {}, the watermark at {}",
                    getRuntimeContext().getTaskInfo().getTaskNameWithSubtasks(),
                    late.getCount(),
                    time(ctx.timestamp()),
                    time(ctx.timerService().currentWatermark()));
        }
    }

    private static String time(Long millis) {
        return millis == null ? "no time" : Instant.ofEpochMilli(millis).toString();
    }
}
