package io.tessera.traits;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tessera.definitions.Fields;
import io.tessera.model.CustomerEvent;
import java.time.Instant;

/**
 * The {@code event.*} fields of an accepted event: name, type, timestamp, properties and context
 * (dotted paths into the message). The message is parsed once, on first use.
 */
public final class EventFields implements Fields {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CustomerEvent event;
    private JsonNode message;

    /** The fields of the event. */
    public EventFields(CustomerEvent event) {
        this.event = event;
    }

    /** The event. */
    public CustomerEvent event() {
        return event;
    }

    @Override
    public JsonNode get(String path) {
        switch (path) {
            case "event.name":
                return event.event() == null ? null : NODES.textNode(event.event());
            case "event.type":
                return NODES.textNode(event.type());
            case "event.timestamp":
                return NODES.textNode(Instant.ofEpochMilli(event.eventTime()).toString());
            default:
                break;
        }
        if (!path.startsWith("event.")) {
            return null;
        }
        JsonNode node = message();
        for (String name : path.substring("event.".length()).split("\\.")) {
            node = node.path(name);
        }
        return node.isMissingNode() ? null : node;
    }

    private JsonNode message() {
        if (message == null) {
            try {
                message = MAPPER.readTree(event.message());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("accepted event holds invalid JSON", e);
            }
        }
        return message;
    }
}
