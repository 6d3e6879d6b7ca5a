package io.tessera.sequences;

/**
 * A completed match of a sequence audience for one profile.
 *
 * @param profileId the profile
 * @param audienceId the sequence audience
 * @param at when it matched: the last event's time, or for a sequence ending in an absence the
 *     moment its time ran out
 */
public record SequenceMatch(String profileId, String audienceId, long at) {}
