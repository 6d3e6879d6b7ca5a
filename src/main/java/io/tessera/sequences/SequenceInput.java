package io.tessera.sequences;

/**
 * What the membership operator reads, keyed by profile: a match of a sequence audience, or an event
 * that meets its {@code exitOn}. Events that end no membership never reach the operator ({@link
 * ExitCandidates}).
 *
 * @param profileId the profile it concerns
 * @param audienceId the sequence audience
 * @param at its event time
 * @param match true for a match, false for an {@code exitOn} event
 */
public record SequenceInput(String profileId, String audienceId, long at, boolean match) {

    static SequenceInput of(SequenceMatch match) {
        return new SequenceInput(match.profileId(), match.audienceId(), match.at(), true);
    }

    static SequenceInput exit(String profileId, String audienceId, long at) {
        return new SequenceInput(profileId, audienceId, at, false);
    }
}
