package io.tessera.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Instant;

/**
 * An accepted event as the job understood it, for people: {@code {messageId, type, event,
 * eventTime, identifiers: {type: [values]}, previousId}}. Written by {@code ./tessera replay}.
 */
public final class CustomerEventJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private CustomerEventJson() {}

    /** The event's summary as a JSON object. */
    public static ObjectNode toJson(CustomerEvent event) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("messageId", event.messageId());
        json.put("type", event.type());
        json.put("event", event.event());
        json.put("eventTime", Instant.ofEpochMilli(event.eventTime()).toString());
        ObjectNode identifiers = json.putObject("identifiers");
        for (Identifier identifier : event.identifiers()) {
            ArrayNode values =
                    identifiers.has(identifier.type())
                            ? (ArrayNode) identifiers.get(identifier.type())
                            : identifiers.putArray(identifier.type());
            values.add(identifier.value());
        }
        if (event.previousId() != null) {
            json.put("previousId", event.previousId());
        }
        return json;
    }
}
