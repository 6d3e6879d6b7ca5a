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
 * (dotted paths into the message). The message is parsed once, on first use: whole, as a tree, or
 * given the paths the reader has learned ({@link MessageProjection.Learned}), only what they lead
 * to, read as a stream of tokens (a path read for the first time reads the message once more).
 */
public final class EventFields implements Fields {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final CustomerEvent event;
    private final MessageProjection.Learned learned;
    private JsonNode message;
    private JsonNode projected;

    /** The name and type as nodes, made once: a condition reads them for every partial match. */
    private JsonNode name;

    private JsonNode type;

    /** The fields of the event, its message read whole when a path first needs it. */
    public EventFields(CustomerEvent event) {
        this(event, null);
    }

    /**
     * The fields of the event, its message read only for the paths learned (null: whole).
     *
     * @param learned the paths this reader's events were read for before; the paths read of this
     *     event are added to them
     */
    public EventFields(CustomerEvent event, MessageProjection.Learned learned) {
        this.event = event;
        this.learned = learned;
    }

    /**
     * The fields of the event whose message was read already, by whoever holds it (a reader that
     * meets the same message again and again keeps what it read).
     *
     * @param message the event's message, read whole as a tree
     */
    public static EventFields read(CustomerEvent event, JsonNode message) {
        EventFields fields = new EventFields(event);
        fields.message = message;
        return fields;
    }

    /**
     * A message read whole as a tree.
     *
     * @throws IllegalStateException when it is not valid JSON
     */
    public static JsonNode read(String message) {
        try {
            return MAPPER.readTree(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("accepted event holds invalid JSON", e);
        }
    }

    /** The event. */
    public CustomerEvent event() {
        return event;
    }

    @Override
    public JsonNode get(String path) {
        switch (path) {
            case "event.name":
                if (name == null && event.event() != null) {
                    name = NODES.textNode(event.event());
                }
                return name;
            case "event.type":
                if (type == null) {
                    type = NODES.textNode(event.type());
                }
                return type;
            case "event.timestamp":
                return NODES.textNode(Instant.ofEpochMilli(event.eventTime()).toString());
            default:
                break;
        }
        if (!path.startsWith("event.")) {
            return null;
        }
        String inMessage = path.substring("event.".length());
        JsonNode node = message(inMessage);
        for (String name : inMessage.split("\\.")) {
            node = node.path(name);
        }
        return node.isMissingNode() ? null : node;
    }

    /** The message, or a projection of it that holds what the path leads to. */
    private JsonNode message(String path) {
        if (learned == null || event.message() == null) {
            return message();
        }
        boolean fresh = learned.learn(path);
        if (!fresh && !learned.knows(path)) {
            return message(); // too many paths learned: this one reads the message whole
        }
        if (fresh || projected == null) {
            projected = learned.project(event.message());
        }
        return projected;
    }

    private JsonNode message() {
        if (message == null) {
            message = read(event.message());
        }
        return message;
    }
}
