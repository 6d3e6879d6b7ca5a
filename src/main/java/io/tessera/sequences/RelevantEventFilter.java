package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import org.apache.flink.api.common.functions.FilterFunction;

/** Keeps the events a sequence can use ({@link SequenceRelevance}). */
final class RelevantEventFilter implements FilterFunction<ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    private final Predicate relevant;

    RelevantEventFilter(Predicate relevant) {
        this.relevant = relevant;
    }

    @Override
    public boolean filter(ResolvedEvent value) {
        return PredicateEvaluator.test(
                relevant, new EventFields(value.event())::get, value.event().eventTime());
    }
}
