package io.tessera.identity;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.model.CustomerEvent;
import io.tessera.traits.MessageProjection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The traits an identify message sets, each stamped for last-writer-wins merges. */
public final class IdentifyTraits {

    /** The message paths read: an identify's traits; the consent preferences. */
    private static final List<String[]> TRAITS = List.<String[]>of(new String[] {"traits"});

    private static final List<String[]> CONSENT =
            List.<String[]>of(new String[] {"context", "consent", "categoryPreferences"});

    private IdentifyTraits() {}

    /** The identify traits of the event; empty for other message types. */
    public static Map<String, TraitValue> of(CustomerEvent event) {
        Map<String, TraitValue> traits = new TreeMap<>();
        if (!"identify".equals(event.type())) {
            return traits;
        }
        // only the traits are read of the message, not the rest of it
        JsonNode message = MessageProjection.project(event.message(), TRAITS);
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
        JsonNode preferences =
                MessageProjection.project(event.message(), CONSENT)
                        .at("/context/consent/categoryPreferences");
        return preferences.isObject()
                ? new TraitValue(preferences.toString(), event.eventTime(), event.messageId())
                : null;
    }
}
