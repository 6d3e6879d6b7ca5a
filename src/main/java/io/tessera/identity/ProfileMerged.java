package io.tessera.identity;

/**
 * A merge, published on {@code cdp.profile-merges} (the alias log): the loser's id now resolves to
 * the winner.
 *
 * @param loser the younger profile, merged away
 * @param winner the older profile, which holds both now
 * @param at event time of the message that linked them
 * @param reason what linked them, e.g. {@code same_event:email+anonymous_id}: one message carried
 *     an identifier of each profile
 * @param messageId the message that linked them
 */
public record ProfileMerged(
        String loser, String winner, long at, String reason, String messageId) {}
