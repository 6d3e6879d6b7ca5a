package io.tessera.identity.distributed;

import java.time.Duration;
import java.util.ArrayDeque;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * Passes records through at once and event time on a fixed span of the clock later: the watermark
 * it emits is the one it received that long ago. The routed events of distributed mode, some of
 * which cross the identity loop, go through it: an event the loop carries has that span of the
 * clock to come back before event time passes it, however fast event time runs (a job reading a
 * backlog after a restore reads minutes of it in seconds; a delay of event time would let it run
 * past every merge in flight). The end of event time (a drained or finished input) passes at once.
 * An input gone idle is announced after the watermarks still due (an idle output's watermarks are
 * not sent on). Stateless: a restored job's sources start event time again.
 */
public final class DelayedWatermarks<T> extends AbstractStreamOperator<T>
        implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    /** Watermarks due within this many milliseconds of each other leave together, the latest. */
    static final long GRANULARITY_MS = 50;

    private final long delay;

    /** Watermarks received and not yet emitted: {time due on the clock, watermark}, in order. */
    private transient ArrayDeque<long[]> pending;

    private transient boolean timerSet;

    /** The input went idle while watermarks were still due: announced after the last of them. */
    private transient boolean idleAfterPending;

    private transient boolean announcedIdle;

    public DelayedWatermarks(Duration delay) {
        this.delay = delay.toMillis();
    }

    @Override
    public void open() throws Exception {
        super.open();
        pending = new ArrayDeque<>();
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        output.collect(element);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) {
        if (status.isIdle()) {
            if (pending.isEmpty()) {
                announce(status);
            } else {
                idleAfterPending = true;
            }
        } else {
            idleAfterPending = false;
            announce(status);
        }
    }

    private void announce(WatermarkStatus status) {
        if (announcedIdle != status.isIdle()) {
            announcedIdle = status.isIdle();
            output.emitWatermarkStatus(status);
        }
    }

    @Override
    public void processWatermark(Watermark mark) {
        long time = mark.getTimestamp();
        if (time == Long.MAX_VALUE) {
            pending.clear();
            output.emitWatermark(mark);
            return;
        }
        long now = getProcessingTimeService().getCurrentProcessingTime();
        long due = dueAt(now);
        long[] last = pending.peekLast();
        if (last != null && last[0] == due) {
            last[1] = time;
        } else {
            pending.addLast(new long[] {due, time});
        }
        if (!timerSet) {
            timerSet = true;
            getProcessingTimeService().registerTimer(pending.peekFirst()[0], this::emitDue);
        }
    }

    private long dueAt(long now) {
        long due = now > Long.MAX_VALUE - delay - GRANULARITY_MS ? Long.MAX_VALUE : now + delay;
        return due == Long.MAX_VALUE ? due : (due / GRANULARITY_MS + 1) * GRANULARITY_MS;
    }

    private void emitDue(long now) {
        timerSet = false;
        long latest = Long.MIN_VALUE;
        while (!pending.isEmpty() && pending.peekFirst()[0] <= now) {
            latest = pending.pollFirst()[1];
        }
        if (latest != Long.MIN_VALUE) {
            output.emitWatermark(new Watermark(latest));
        }
        if (!pending.isEmpty()) {
            timerSet = true;
            getProcessingTimeService().registerTimer(pending.peekFirst()[0], this::emitDue);
        } else if (idleAfterPending) {
            idleAfterPending = false;
            announce(WatermarkStatus.IDLE);
        }
    }
}
