package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;

/**
 * What the membership operator reads, keyed by profile: an event (for exitOn) or a match (exactly
 * one of the two is set).
 *
 * @param event a resolved event, or null
 * @param match a sequence match, or null
 */
public record SequenceInput(ResolvedEvent event, SequenceMatch match) {

    /** The profile it concerns. */
    public String profileId() {
        return event != null ? event.profileId() : match.profileId();
    }

    static SequenceInput of(ResolvedEvent event) {
        return new SequenceInput(event, null);
    }

    static SequenceInput of(SequenceMatch match) {
        return new SequenceInput(null, match);
    }
}
