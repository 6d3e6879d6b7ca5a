package io.tessera.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.util.TreeMap;

/**
 * The identity stage's wire formats: profile snapshots ({@code cdp.profiles}), merges ({@code
 * cdp.profile-merges}) and rejected links.
 */
public final class IdentityJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IdentityJson() {}

    /**
     * A profile snapshot: {@code {id, identifiers, firstSeen, lastSeen, eventCount, countsByType,
     * countsByEvent, traits, computedTraits, audiences}}: identify traits, computed trait values,
     * and the rule audiences it is in, with the time it entered each.
     */
    public static ObjectNode profile(ProfileState profile) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("id", profile.id);
        ObjectNode identifiers = json.putObject("identifiers");
        profile.identifiersByType()
                .forEach((type, values) -> values.forEach(identifiers.withArray(type)::add));
        json.put("firstSeen", Instant.ofEpochMilli(profile.firstSeen).toString());
        json.put("lastSeen", Instant.ofEpochMilli(profile.lastSeen).toString());
        json.put("eventCount", profile.eventCount);
        ObjectNode byType = json.putObject("countsByType");
        new TreeMap<>(profile.countsByType).forEach(byType::put);
        ObjectNode byEvent = json.putObject("countsByEvent");
        new TreeMap<>(profile.countsByEvent).forEach(byEvent::put);
        ObjectNode traits = json.putObject("traits");
        new TreeMap<>(profile.traits).forEach((name, value) -> traits.set(name, parse(value.json)));
        ObjectNode computed = json.putObject("computedTraits");
        new TreeMap<>(profile.traitValues).forEach((id, value) -> computed.set(id, parse(value)));
        ObjectNode audiences = json.putObject("audiences");
        new TreeMap<>(profile.audiences)
                .forEach((id, since) -> audiences.put(id, Instant.ofEpochMilli(since).toString()));
        if (profile.consent != null) {
            json.set("consent", parse(profile.consent.json));
        }
        return json;
    }

    /** A merge: {@code {loser, winner, at, reason, messageId}}. */
    public static ObjectNode merge(ProfileMerged merge) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("loser", merge.loser());
        json.put("winner", merge.winner());
        json.put("at", Instant.ofEpochMilli(merge.at()).toString());
        json.put("reason", merge.reason());
        json.put("messageId", merge.messageId());
        return json;
    }

    /** A rejected link, every field of {@link RejectedLink}. */
    public static ObjectNode rejectedLink(RejectedLink link) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("at", Instant.ofEpochMilli(link.at()).toString());
        json.put("messageId", link.messageId());
        json.put("profileId", link.profileId());
        json.put("otherProfileId", link.otherProfileId());
        json.putObject("identifier")
                .put("type", link.identifierType())
                .put("value", link.identifierValue());
        json.put("rule", link.rule());
        json.put("detail", link.detail());
        json.put("blamed", link.blamed());
        json.put("quarantined", link.quarantined());
        return json;
    }

    private static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored trait holds invalid JSON", e);
        }
    }
}
