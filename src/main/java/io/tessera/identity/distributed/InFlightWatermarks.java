package io.tessera.identity.distributed;

import io.tessera.identity.ResolvedEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * In front of the sequence audiences in distributed mode: passes the resolved events on (input 1,
 * partitioned by profile as the sequences' operators are, which run in its chain), and holds their
 * event time below every event still inside the protocol (input 2: what entered and left, from
 * {@link ProgressCounters}, sent to every subtask).
 *
 * <p>An event may cross the identity loop after event time passed it (behind a merge, or while a
 * job restored reads its backlog far faster than event time passed), and Flink CEP drops an event
 * behind its watermark. Here the watermark passed on is the lower of the one received and the time
 * before the earliest event still inside, so each event reaches its sequences before event time
 * passes it. An event counts as out on this subtask when it arrives here, and on the others when
 * its credit's count arrives (sent after the event on its channel, it may come before the event to
 * another subtask; that subtask never sees the event). The end of event time passes at once.
 *
 * <p>The counts are operator state (every subtask holds the same at a checkpoint: the counters send
 * what they counted before each barrier); the first subtask writes them.
 */
public final class InFlightWatermarks extends AbstractStreamOperator<ResolvedEvent>
        implements TwoInputStreamOperator<ResolvedEvent, LoopProgress, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String COUNTS = "events-in-flight";

    /** How often, on the clock, the times held back longer than the patience are looked for. */
    static final long CHECK_EVERY_MS = 1_000;

    private final long patience;

    private transient InFlight inFlight;
    private transient ListState<long[]> counts;
    private transient long received;
    private transient long emitted;
    private transient int maxParallelism;
    private transient int parallelism;
    private transient int index;
    private transient Counter givenUp;

    /**
     * @param patience how long, on the clock, events may stay inside before event time goes past
     *     them anyway (an event lost by a defect would hold the sequences back forever)
     */
    public InFlightWatermarks(Duration patience) {
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
                                        COUNTS,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        if (context.isRestored()) {
            List<long[]> restored = new ArrayList<>();
            counts.get().forEach(restored::add);
            inFlight.restore(restored, getProcessingTimeService().getCurrentProcessingTime());
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        received = Long.MIN_VALUE;
        emitted = Long.MIN_VALUE;
        var task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        parallelism = task.getNumberOfParallelSubtasks();
        index = task.getIndexOfThisSubtask();
        var metrics = getRuntimeContext().getMetricGroup().addGroup("identity");
        givenUp = metrics.counter("eventsGivenUpInFlight");
        metrics.gauge("eventTimesInFlight", () -> inFlight.size());
        scheduleCheck();
    }

    private void scheduleCheck() {
        var time = getProcessingTimeService();
        time.registerTimer(
                time.getCurrentProcessingTime() + CHECK_EVERY_MS,
                due -> {
                    long now = getProcessingTimeService().getCurrentProcessingTime();
                    long given = inFlight.giveUpSince(now - patience);
                    if (given > 0) {
                        givenUp.inc(given);
                        LOG.warn(
                                "{} events stayed inside the identity protocol longer than {} ms:"
                                        + " the sequence audiences' event time goes past them",
                                given,
                                patience);
                        advance();
                    }
                    scheduleCheck();
                });
    }

    @Override
    public void processElement1(StreamRecord<ResolvedEvent> element) throws Exception {
        ResolvedEvent resolved = element.getValue();
        output.collect(element);
        if (ProgressCounters.counts(resolved)) {
            inFlight.add(
                    resolved.event().eventTime(),
                    -1,
                    getProcessingTimeService().getCurrentProcessingTime());
            advance();
        }
    }

    @Override
    public void processElement2(StreamRecord<LoopProgress> element) throws Exception {
        LoopProgress progress = element.getValue();
        long now = getProcessingTimeService().getCurrentProcessingTime();
        for (int i = 0; i < progress.times.length; i++) {
            if (progress.profileHashes == null || !arrivesHere(progress.profileHashes[i])) {
                inFlight.add(progress.times[i], progress.deltas[i], now);
            }
        }
        advance();
    }

    /** Whether an event credited to a profile with this hash code comes to this subtask. */
    private boolean arrivesHere(int profileHash) {
        int keyGroup =
                KeyGroupRangeAssignment.computeKeyGroupForKeyHash(profileHash, maxParallelism);
        return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(
                        maxParallelism, parallelism, keyGroup)
                == index;
    }

    /** The watermark of both inputs (Flink combines them, idle inputs aside). */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        received = mark.getTimestamp();
        inFlight.forgetUnbalancedUpTo(received);
        advance();
    }

    private void advance() throws Exception {
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
        if (index == 0) {
            counts.update(inFlight.counts());
        }
    }
}
