package io.tessera.identity;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
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
        try {
            return (ObjectNode) MAPPER.readTree(profileBytes(profile));
        } catch (IOException e) {
            throw new IllegalStateException("a stored trait holds invalid JSON", e);
        }
    }

    /**
     * The same snapshot as UTF-8 bytes, written in one pass: stored trait values are JSON already
     * and go out as they are, not parsed again ({@code cdp.profiles} takes one per update).
     */
    public static byte[] profileBytes(ProfileState profile) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
        try (JsonGenerator json = MAPPER.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeStringField("id", profile.id);
            json.writeObjectFieldStart("identifiers");
            for (Map.Entry<String, List<String>> type : profile.identifiersByType().entrySet()) {
                json.writeArrayFieldStart(type.getKey());
                for (String value : type.getValue()) {
                    json.writeString(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
            json.writeStringField("firstSeen", Instant.ofEpochMilli(profile.firstSeen).toString());
            json.writeStringField("lastSeen", Instant.ofEpochMilli(profile.lastSeen).toString());
            json.writeNumberField("eventCount", profile.eventCount);
            counts(json, "countsByType", profile.countsByType);
            counts(json, "countsByEvent", profile.countsByEvent);
            json.writeObjectFieldStart("traits");
            for (Map.Entry<String, TraitValue> trait : sorted(profile.traits).entrySet()) {
                json.writeFieldName(trait.getKey());
                json.writeRawValue(trait.getValue().json);
            }
            json.writeEndObject();
            json.writeObjectFieldStart("computedTraits");
            for (Map.Entry<String, String> trait : sorted(profile.traitValues).entrySet()) {
                json.writeFieldName(trait.getKey());
                json.writeRawValue(trait.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("audiences");
            for (Map.Entry<String, Long> audience : sorted(profile.audiences).entrySet()) {
                json.writeStringField(
                        audience.getKey(), Instant.ofEpochMilli(audience.getValue()).toString());
            }
            json.writeEndObject();
            if (profile.consent != null) {
                json.writeFieldName("consent");
                json.writeRawValue(profile.consent.json);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a profile snapshot cannot be written", e);
        }
        return bytes.toByteArray();
    }

    /** The map in the order of its keys: itself when it keeps them in that order already. */
    private static <V> Map<String, V> sorted(Map<String, V> map) {
        return map instanceof SortedMap<String, V> keys && keys.comparator() == null
                ? map
                : new TreeMap<>(map);
    }

    private static void counts(JsonGenerator json, String field, Map<String, Long> counts)
            throws IOException {
        json.writeObjectFieldStart(field);
        for (Map.Entry<String, Long> count : sorted(counts).entrySet()) {
            json.writeFieldName(count.getKey());
            if (count.getValue() == null) {
                json.writeNull();
            } else {
                json.writeNumber(count.getValue());
            }
        }
        json.writeEndObject();
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
}
