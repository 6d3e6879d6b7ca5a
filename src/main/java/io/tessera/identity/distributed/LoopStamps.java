package io.tessera.identity.distributed;

import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Stamps what a Cluster writes to a stamped loop with the attempt writing it and the checkpoint it
 * belongs to (the first one this subtask has not taken yet), chained between the Cluster and the
 * loop sink. Stateless: the attempt is named by the job, the restart count and the checkpoint
 * restored, which every subtask of the attempt knows alike ({@link #attemptName}).
 */
public final class LoopStamps extends AbstractStreamOperator<Routed>
        implements OneInputStreamOperator<Routed, Routed> {
    private static final long serialVersionUID = 1L;

    private transient String attempt;
    private transient long checkpoint;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        long restored = context.getRestoredCheckpointId().orElse(0);
        attempt = attemptName(this, restored);
        checkpoint = restored + 1;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        // what is written from now on belongs to the next checkpoint
        checkpoint = Math.max(checkpoint, context.getCheckpointId() + 1);
    }

    @Override
    public void processElement(StreamRecord<Routed> element) {
        Routed routed = element.getValue();
        routed.attempt = attempt;
        routed.checkpoint = checkpoint;
        output.collect(element);
    }

    /**
     * The name of the running attempt: the job, how many times its tasks have been restarted, and
     * the checkpoint it restored (a new job from a savepoint, or the job manager's recovery, starts
     * counting restarts at 0 again). The loop's writers and readers restart together (the loop's
     * keyed edges make the job one failover region), so they name it alike.
     */
    static String attemptName(AbstractStreamOperator<?> operator, long restoredCheckpoint) {
        return operator.getRuntimeContext().getJobInfo().getJobId()
                + "/"
                + operator.getRuntimeContext().getTaskInfo().getAttemptNumber()
                + "/"
                + restoredCheckpoint;
    }
}
