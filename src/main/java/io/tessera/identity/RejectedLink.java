package io.tessera.identity;

/**
 * An audit record of a link the rules refused: the identifier stays apart from the profile.
 *
 * @param at event time of the message that carried the link
 * @param messageId that message
 * @param profileId the profile the identifier could not join
 * @param otherProfileId the profile the identifier stays in (a new identifier founds its own)
 * @param identifierType the type of the identifier that could not join
 * @param identifierValue its value
 * @param rule the rule that refused: {@code unique}, {@code limit} or {@code size_cap}
 * @param detail what exactly, for a person
 * @param blamed the weaker identifier of the refused link ({@code type:value}), whose rejections
 *     count towards quarantine
 * @param quarantined whether this rejection quarantined the blamed identifier
 */
public record RejectedLink(
        long at,
        String messageId,
        String profileId,
        String otherProfileId,
        String identifierType,
        String identifierValue,
        String rule,
        String detail,
        String blamed,
        boolean quarantined) {}
