package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.cep.pattern.WithinType;

/** Compiles a sequence audience to a Flink CEP pattern (the compilation table of the research). */
public final class PatternCompiler {
    private PatternCompiler() {}

    /** The pattern of the sequence. */
    public static Pattern<ResolvedEvent, ResolvedEvent> compile(SequenceDefinition sequence) {
        Pattern<ResolvedEvent, ResolvedEvent> pattern = null;
        for (SequenceDefinition.Step step : sequence.steps()) {
            if (pattern == null) {
                pattern = Pattern.begin(step.name(), skipStrategy(sequence.afterMatch()));
            } else if (step.absent()) {
                pattern =
                        "strict".equals(step.contiguity())
                                ? pattern.notNext(step.name())
                                : pattern.notFollowedBy(step.name());
            } else {
                pattern =
                        switch (step.contiguity()) {
                            case "strict" -> pattern.next(step.name());
                            case "any" -> pattern.followedByAny(step.name());
                            default -> pattern.followedBy(step.name());
                        };
            }
            pattern = pattern.where(new StepCondition(step.match()));
            if (!step.absent()) {
                pattern = quantify(pattern, step);
            }
        }
        if (sequence.within() != null) {
            pattern =
                    pattern.within(
                            sequence.within(),
                            sequence.previousAndCurrent()
                                    ? WithinType.PREVIOUS_AND_CURRENT
                                    : WithinType.FIRST_AND_LAST);
        }
        return pattern;
    }

    private static Pattern<ResolvedEvent, ResolvedEvent> quantify(
            Pattern<ResolvedEvent, ResolvedEvent> pattern, SequenceDefinition.Step step) {
        Integer max = step.timesMax();
        if (max == null) {
            pattern = pattern.timesOrMore(step.timesMin());
        } else if (step.timesMin() != 1 || max != 1) {
            pattern =
                    step.timesMin() == max
                            ? pattern.times(max)
                            : pattern.times(step.timesMin(), max);
        }
        if (step.until() != null) {
            pattern = pattern.until(new StepCondition(step.until()));
        }
        if (step.optional()) {
            pattern = pattern.optional();
        }
        if (step.greedy()) {
            pattern = pattern.greedy();
        }
        return pattern;
    }

    private static AfterMatchSkipStrategy skipStrategy(String afterMatch) {
        if (afterMatch.startsWith("skip_to_first:")) {
            return AfterMatchSkipStrategy.skipToFirst(
                    afterMatch.substring("skip_to_first:".length()));
        }
        if (afterMatch.startsWith("skip_to_last:")) {
            return AfterMatchSkipStrategy.skipToLast(
                    afterMatch.substring("skip_to_last:".length()));
        }
        return switch (afterMatch) {
            case "no_skip" -> AfterMatchSkipStrategy.noSkip();
            case "skip_to_next" -> AfterMatchSkipStrategy.skipToNext();
            default -> AfterMatchSkipStrategy.skipPastLastEvent();
        };
    }
}
