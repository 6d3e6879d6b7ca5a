package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/** Turns a CEP match of one sequence audience into a {@link SequenceMatch} with its time. */
final class SequenceMatchFunction extends PatternProcessFunction<ResolvedEvent, SequenceMatch> {
    private static final long serialVersionUID = 1L;

    private final SequenceDefinition sequence;

    /** The profile whose events matched (the operator's key), when the events do not carry it. */
    private transient Supplier<String> profile;

    SequenceMatchFunction(SequenceDefinition sequence) {
        this.sequence = sequence;
    }

    /** Takes the profile of a match from the operator's key rather than from its events. */
    void profileOf(Supplier<String> key) {
        this.profile = key;
    }

    @Override
    public void processMatch(
            Map<String, List<ResolvedEvent>> match, Context ctx, Collector<SequenceMatch> out) {
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        String profileId = null;
        for (List<ResolvedEvent> events : match.values()) {
            for (ResolvedEvent event : events) {
                first = Math.min(first, event.event().eventTime());
                last = Math.max(last, event.event().eventTime());
                profileId = event.profileId();
            }
        }
        if (profile != null) {
            profileId = profile.get();
        }
        long at = last;
        if (sequence.endsWithAbsence()) {
            // The absence is proven when the time limit runs out.
            at = (sequence.previousAndCurrent() ? last : first) + sequence.within().toMillis();
        }
        out.collect(new SequenceMatch(profileId, sequence.id(), at));
    }
}
