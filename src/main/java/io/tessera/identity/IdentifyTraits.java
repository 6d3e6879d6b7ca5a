package io.tessera.identity;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.model.CustomerEvent;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/** The traits an identify message sets, each stamped for last-writer-wins merges. */
public final class IdentifyTraits {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private IdentifyTraits() {}

    /** The identify traits of the event; empty for other message types. */
    public static Map<String, TraitValue> of(CustomerEvent event) {
        Map<String, TraitValue> traits = new TreeMap<>();
        if (!"identify".equals(event.type())) {
            return traits;
        }
        JsonNode message;
        try {
            message = MAPPER.readTree(event.message());
        } catch (JsonProcessingException e) {
            // The ingest stage wrote this JSON itself: unreadable JSON here is a bug, not input.
            throw new IllegalStateException("accepted event holds invalid JSON", e);
        }
        JsonNode node = message.get("traits");
        if (node != null && node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                traits.put(
                        field.getKey(),
                        new TraitValue(
                                field.getValue().toString(), event.eventTime(), event.messageId()));
            }
        }
        return traits;
    }

    /**
     * The consent preferences the message carries ({@code context.consent.categoryPreferences},
     * Segment's consent object), stamped for last-writer-wins, or null when it carries none.
     */
    public static TraitValue consent(CustomerEvent event) {
        if (!event.message().contains("categoryPreferences")) {
            return null; // most messages: no need to parse them
        }
        JsonNode preferences;
        try {
            preferences =
                    MAPPER.readTree(event.message()).at("/context/consent/categoryPreferences");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("accepted event holds invalid JSON", e);
        }
        return preferences.isObject()
                ? new TraitValue(preferences.toString(), event.eventTime(), event.messageId())
                : null;
    }
}
