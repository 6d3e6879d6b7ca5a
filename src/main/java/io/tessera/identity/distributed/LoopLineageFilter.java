package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Reads a stamped loop: passes on the records of the attempts the restored state descends from
 * ({@link LoopLineage}) and drops those a failed attempt wrote after the checkpoint this one
 * restored (metric {@code identity.loopGhostsIgnored}). The lineage is kept as union state, written
 * by the first subtask (every subtask has the same), so any parallelism restores it.
 */
public final class LoopLineageFilter extends AbstractStreamOperator<Routed>
        implements OneInputStreamOperator<Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** The accumulator counting the ghosts ignored (also the metric), for tests and tools. */
    public static final String GHOSTS_ACCUMULATOR = "identity-loop-ghosts-ignored";

    private static final ListStateDescriptor<LoopLineage.Attempt> LINEAGE =
            new ListStateDescriptor<>(
                    "loop-lineage", TypeInformation.of(LoopLineage.Attempt.class));

    private transient ListState<LoopLineage.Attempt> state;
    private transient LoopLineage lineage;
    private transient Counter ghosts;
    private transient LongCounter ghostsTotal;

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore().getUnionListState(LINEAGE);
        long restored = context.getRestoredCheckpointId().orElse(0);
        String attempt = LoopStamps.attemptName(this, restored);
        List<LoopLineage.Attempt> before =
                new ArrayList<>(new LinkedHashSet<>(toList(state.get())));
        before.sort(Comparator.comparingLong(LoopLineage.Attempt::startedFrom));
        lineage =
                before.isEmpty()
                        ? LoopLineage.of(List.of(new LoopLineage.Attempt(attempt, restored)))
                        : LoopLineage.of(before).restored(restored, attempt);
    }

    @Override
    public void open() throws Exception {
        super.open();
        ghosts = getMetricGroup().addGroup("identity").counter("loopGhostsIgnored");
        ghostsTotal = new LongCounter();
        getRuntimeContext().addAccumulator(GHOSTS_ACCUMULATOR, ghostsTotal);
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.clear();
        if (getRuntimeContext().getTaskInfo().getIndexOfThisSubtask() == 0) {
            state.addAll(lineage.attempts());
        }
    }

    @Override
    public void processElement(StreamRecord<Routed> element) {
        if (lineage.accepts(element.getValue().stamp())) {
            output.collect(element);
        } else {
            ghosts.inc();
            ghostsTotal.add(1);
        }
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> list = new ArrayList<>();
        items.forEach(list::add);
        return list;
    }
}
