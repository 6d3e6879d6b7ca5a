package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which events can take part in a sequence: the filter in front of its CEP operator.
 *
 * <p>With relaxed or any contiguity between all steps, an event that no step (nor a loop's {@code
 * until}) can accept is skipped by the pattern anyway, so dropping it before the CEP operator keeps
 * every match while sparing the operator its buffering, timers and state writes. A strict step is
 * broken by any event in between, so such a sequence sees every event.
 */
final class SequenceRelevance {
    private static final Predicate ALWAYS = new Predicate.All(List.of());
    private static final Predicate NEVER = new Predicate.Any(List.of());

    private SequenceRelevance() {}

    /**
     * The condition an event must meet to reach the sequence's CEP operator, or empty when every
     * event must. A {@code ref} to an earlier step's event cannot be read before the pattern, so
     * the condition assumes it could go either way: it may let through events the pattern then
     * refuses, never the opposite.
     */
    static Optional<Predicate> of(SequenceDefinition sequence) {
        List<SequenceDefinition.Step> steps = sequence.steps();
        List<Predicate> accepted = new ArrayList<>();
        for (int i = 0; i < steps.size(); i++) {
            SequenceDefinition.Step step = steps.get(i);
            if (i > 0 && "strict".equals(step.contiguity())) {
                return Optional.empty();
            }
            accepted.add(withoutRefs(step.match(), true));
            if (step.until() != null) {
                accepted.add(withoutRefs(step.until(), true));
            }
        }
        return Optional.of(new Predicate.Any(accepted));
    }

    /**
     * The predicate with each {@code ref} comparison replaced by a constant that can only widen the
     * result: true where the comparison counts positively, false under an odd number of {@code
     * not}.
     */
    private static Predicate withoutRefs(Predicate predicate, boolean positive) {
        if (predicate instanceof Predicate.All all) {
            return new Predicate.All(
                    all.parts().stream().map(p -> withoutRefs(p, positive)).toList());
        }
        if (predicate instanceof Predicate.Any any) {
            return new Predicate.Any(
                    any.parts().stream().map(p -> withoutRefs(p, positive)).toList());
        }
        if (predicate instanceof Predicate.Not not) {
            return new Predicate.Not(withoutRefs(not.part(), !positive));
        }
        Predicate.Comparison comparison = (Predicate.Comparison) predicate;
        if (comparison.ref() == null) {
            return comparison;
        }
        return positive ? ALWAYS : NEVER;
    }
}
