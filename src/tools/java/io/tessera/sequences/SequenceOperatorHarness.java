package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;

/**
 * One sequence's CEP operator, as the job builds it, alone in Flink's operator test harness and
 * driven from this thread: for the sequence benchmark's state measurement.
 */
public final class SequenceOperatorHarness {
    private SequenceOperatorHarness() {}

    /** An opened harness of the sequence's CEP operator, keyed by profile id, in event time. */
    public static KeyedOneInputStreamOperatorTestHarness<String, ResolvedEvent, SequenceMatch> open(
            SequenceDefinition sequence, StateBackend backend) throws Exception {
        var operator =
                new SequenceCepOperator<>(
                        PatternCompiler.compile(sequence),
                        new SequenceMatchFunction(sequence),
                        null);
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, ResolvedEvent::profileId, Types.STRING, 4096, 1, 0);
        harness.setStateBackend(backend);
        harness.open();
        return harness;
    }

    /**
     * The event as the job passes it to the sequence's CEP operator (only what its steps read), or
     * null when the job does not let it through.
     */
    public static ResolvedEvent reaching(SequenceDefinition sequence, ResolvedEvent event) {
        List<ResolvedEvent> passed = new ArrayList<>(1);
        new SequenceEvents(sequence).flatMap(event, new ListCollector<>(passed));
        return passed.isEmpty() ? null : passed.get(0);
    }
}
