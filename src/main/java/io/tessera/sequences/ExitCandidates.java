package io.tessera.sequences;

import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import io.tessera.traits.MessageProjection;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Before the shuffle to the membership operator: an event goes on only as the exits it may cause,
 * one per sequence audience whose {@code exitOn} it meets; every other event stops here.
 */
final class ExitCandidates implements FlatMapFunction<ResolvedEvent, SequenceInput> {
    private static final long serialVersionUID = 1L;

    private final List<SequenceDefinition> withExits;

    private transient MessageProjection.Learned learned;

    ExitCandidates(List<SequenceDefinition> sequences) {
        this.withExits = sequences.stream().filter(s -> s.exitOn() != null).toList();
    }

    /** True when no event can end a membership: the events need not be read at all. */
    boolean none() {
        return withExits.isEmpty();
    }

    /** True when the event, whole, meets some sequence's {@code exitOn}. */
    boolean endsAny(EventFields fields) {
        long time = fields.event().eventTime();
        for (SequenceDefinition sequence : withExits) {
            if (PredicateEvaluator.test(sequence.exitOn(), fields, time)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void flatMap(ResolvedEvent resolved, Collector<SequenceInput> out) {
        if (SequenceEventProjection.isUnread(resolved)) {
            return; // its feed found that it ends nothing
        }
        if (learned == null) {
            learned = new MessageProjection.Learned();
        }
        EventFields fields = new EventFields(resolved.event(), learned);
        long time = resolved.event().eventTime();
        for (SequenceDefinition sequence : withExits) {
            if (PredicateEvaluator.test(sequence.exitOn(), fields, time)) {
                out.collect(SequenceInput.exit(resolved.profileId(), sequence.id(), time));
            }
        }
    }
}
