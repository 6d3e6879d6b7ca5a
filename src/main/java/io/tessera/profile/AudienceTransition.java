package io.tessera.profile;

/**
 * A profile entering or leaving a rule audience.
 *
 * @param profileId the profile
 * @param audienceId the audience
 * @param audienceName its display name
 * @param version the definition version that decided
 * @param entered true for Audience Entered, false for Audience Exited
 * @param trigger what caused it: event, timer, merge, definition_change
 * @param at when (event time, epoch ms)
 */
public record AudienceTransition(
        String profileId,
        String audienceId,
        String audienceName,
        long version,
        boolean entered,
        String trigger,
        long at) {}
