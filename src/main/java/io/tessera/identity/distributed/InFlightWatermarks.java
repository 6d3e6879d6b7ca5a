package io.tessera.identity.distributed;

import io.tessera.identity.ResolvedEvent;
import java.time.Duration;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
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
 */
public final class InFlightWatermarks extends InFlightHold<ResolvedEvent>
        implements TwoInputStreamOperator<ResolvedEvent, LoopProgress, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String COUNTS = "events-in-flight";

    private transient int maxParallelism;
    private transient int parallelism;
    private transient int index;

    /**
     * @param patience how long, on the clock, events may stay inside before event time goes past
     *     them anyway (an event lost by a defect would hold the sequences back forever)
     */
    public InFlightWatermarks(Duration patience) {
        super(
                COUNTS,
                "the sequence audiences' event time",
                "eventsGivenUpInFlight",
                "eventTimesInFlight",
                patience);
    }

    @Override
    public void open() throws Exception {
        super.open();
        var task = getRuntimeContext().getTaskInfo();
        maxParallelism = task.getMaxNumberOfParallelSubtasks();
        parallelism = task.getNumberOfParallelSubtasks();
        index = task.getIndexOfThisSubtask();
    }

    @Override
    public void processElement1(StreamRecord<ResolvedEvent> element) throws Exception {
        ResolvedEvent resolved = element.getValue();
        output.collect(element);
        if (ProgressCounters.counts(resolved)) {
            inFlight.add(resolved.event().eventTime(), -1, now());
            advance();
        }
    }

    @Override
    public void processElement2(StreamRecord<LoopProgress> element) throws Exception {
        LoopProgress progress = element.getValue();
        count(
                progress,
                i -> progress.profileHashes == null || !arrivesHere(progress.profileHashes[i]));
    }

    /** Whether an event credited to a profile with this hash code comes to this subtask. */
    private boolean arrivesHere(int profileHash) {
        int keyGroup =
                KeyGroupRangeAssignment.computeKeyGroupForKeyHash(profileHash, maxParallelism);
        return KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup(
                        maxParallelism, parallelism, keyGroup)
                == index;
    }
}
