package io.tessera.identity.distributed;

import java.time.Duration;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Passes records through and event time on, held back by a fixed delay: the resolved events of
 * distributed mode, some of which crossed the identity loop after the watermark they were behind.
 * The end of event time (a drained or finished input) passes unchanged.
 */
public final class DelayedWatermarks<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private final long delay;

    public DelayedWatermarks(Duration delay) {
        this.delay = delay.toMillis();
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermark(Watermark mark) {
        long time = mark.getTimestamp();
        output.emitWatermark(
                time == Long.MAX_VALUE || time < Long.MIN_VALUE + delay
                        ? mark
                        : new Watermark(time - delay));
    }
}
