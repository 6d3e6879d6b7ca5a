package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * In front of a sequence's CEP operator: keeps the events the sequence can use ({@link
 * SequenceRelevance}) and passes each as its CEP operator keeps it ({@link
 * SequenceEventProjection}). Over several sequences, before the events are partitioned for all of
 * them: keeps the events any of them can use, with what any of them reads.
 */
final class SequenceEvents implements FlatMapFunction<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** The conditions of which an event must meet one, or null when every event is kept. */
    private final List<Predicate> relevant;

    private final SequenceEventProjection projection;

    SequenceEvents(SequenceDefinition sequence) {
        this(List.of(sequence));
    }

    SequenceEvents(List<SequenceDefinition> sequences) {
        List<Predicate> conditions = new ArrayList<>();
        for (SequenceDefinition sequence : sequences) {
            Optional<Predicate> condition = SequenceRelevance.of(sequence);
            if (condition.isEmpty()) {
                conditions = null; // the sequence can use every event
                break;
            }
            conditions.add(condition.get());
        }
        this.relevant = conditions == null ? null : List.copyOf(conditions);
        this.projection = SequenceEventProjection.of(sequences);
    }

    /** True when the sequence (one of them) can use the event. */
    boolean relevant(ResolvedEvent value) {
        if (relevant == null) {
            return true;
        }
        EventFields fields = new EventFields(value.event());
        for (Predicate condition : relevant) {
            if (PredicateEvaluator.test(condition, fields::get, value.event().eventTime())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void flatMap(ResolvedEvent value, Collector<ResolvedEvent> out) {
        if (relevant(value)) {
            out.collect(projection.project(value));
        }
    }
}
