package io.tessera.identity.distributed;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * What both holds of event time share ({@link InFlightWatermarks} for the sequence audiences,
 * {@link ClusterWatermarks} for the clusters' wake-ups): the events counted by time ({@link
 * InFlight}), the watermark passed on below the earliest one still counted, the end of event time
 * passed at once, the times given up after the patience, and the counts as operator state (every
 * subtask holds the same at a checkpoint: the counters send what they counted before each barrier;
 * the first subtask writes them, and a restore or a rescale reads them back).
 */
abstract class InFlightHold<OUT> extends AbstractStreamOperator<OUT> {
    private static final long serialVersionUID = 1L;

    /** How often, on the clock, the times held back longer than the patience are looked for. */
    static final long CHECK_EVERY_MS = 1_000;

    private final String stateName;
    private final String heldFor;
    private final String givenUpMetric;
    private final String timesMetric;
    private final long patience;

    transient InFlight inFlight;
    private transient ListState<long[]> counts;
    private transient long received;
    private transient long emitted;
    private transient Counter givenUp;

    /**
     * @param stateName the counts' operator state (part of the savepoint format)
     * @param heldFor what reads the held event time, for the log
     * @param givenUpMetric the counter of events given up (group {@code identity})
     * @param timesMetric the gauge of times counted and not balanced (group {@code identity})
     * @param patience how long, on the clock, events may stay counted before event time goes past
     *     them anyway (an event lost by a defect would hold it back forever)
     */
    InFlightHold(
            String stateName,
            String heldFor,
            String givenUpMetric,
            String timesMetric,
            Duration patience) {
        this.stateName = stateName;
        this.heldFor = heldFor;
        this.givenUpMetric = givenUpMetric;
        this.timesMetric = timesMetric;
        this.patience = patience.toMillis();
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        inFlight = new InFlight();
        counts =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(
                                        stateName,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            List<long[]> restored = new ArrayList<>();
            counts.get().forEach(restored::add);
            inFlight.restore(restored, now());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        received = Long.MIN_VALUE;
        emitted = Long.MIN_VALUE;
        var metrics = getRuntimeContext().getMetricGroup().addGroup("identity");
        givenUp = metrics.counter(givenUpMetric);
        metrics.gauge(timesMetric, () -> inFlight.size());
        scheduleCheck();
    }

    final long now() {
        return getProcessingTimeService().getCurrentProcessingTime();
    }

    private void scheduleCheck() {
        var time = getProcessingTimeService();
        time.registerTimer(
                time.getCurrentProcessingTime() + CHECK_EVERY_MS,
                due -> {
                    long given = inFlight.giveUpSince(now() - patience);
                    if (given > 0) {
                        givenUp.inc(given);
                        LOG.warn(
                                "{} events stayed inside the identity protocol longer than {} ms:"
                                        + " {} goes past them",
                                given,
                                patience,
                                heldFor);
                        advance();
                    }
                    scheduleCheck();
                });
    }

    /** Adds what a counter sent; {@code counted} says which entries this subtask counts. */
    final void count(LoopProgress progress, java.util.function.IntPredicate counted)
            throws Exception {
        long now = now();
        for (int i = 0; i < progress.times.length; i++) {
            if (counted.test(i)) {
                inFlight.add(progress.times[i], progress.deltas[i], now);
            }
        }
        advance();
    }

    /** The watermark of the inputs (Flink combines them, idle inputs aside). */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        received = mark.getTimestamp();
        inFlight.forgetUnbalancedUpTo(received);
        advance();
    }

    final void advance() throws Exception {
        long held = held(received, inFlight.earliest());
        if (held > emitted) {
            emitted = held;
            super.processWatermark(new Watermark(held));
        }
    }

    /** The watermark passed on: below the earliest event inside, unless event time ended. */
    static long held(long received, long earliestInside) {
        if (received == Long.MAX_VALUE || earliestInside == Long.MAX_VALUE) {
            return received;
        }
        return Math.min(received, earliestInside - 1);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        counts.clear();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            counts.update(inFlight.counts());
        }
    }
}
