package io.tessera.identity.distributed;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileStateSerializer;
import io.tessera.model.CustomerEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The records of the identity loop topic ({@code cdp.identity.loop}): one protocol message and its
 * target, versioned (the job's own edges between the actors carry the same bytes). A release reads
 * every version up to its own, so records an earlier release left in the topic are read after an
 * upgrade. Every message is written in a binary form when the events and profiles are the job's
 * ({@link LoopBinaryForm}, version 6); for other types (the protocol's tests) as JSON (version 4),
 * where fields a release does not know are ignored, with {@code E} and {@code A} (an event's
 * contribution, a profile's state) written with Jackson as the given classes.
 */
public final class LoopCodec<E, A> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The version of the JSON this release writes (the binary form is the next one). */
    public static final int VERSION = 4;

    /** Fields, not getters: the job's POJOs keep their state in fields (some private). */
    private static final ObjectMapper JSON =
            new ObjectMapper()
                    .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                    .setVisibility(PropertyAccessor.ALL, JsonAutoDetect.Visibility.NONE)
                    .setVisibility(PropertyAccessor.FIELD, JsonAutoDetect.Visibility.ANY)
                    .setVisibility(PropertyAccessor.CREATOR, JsonAutoDetect.Visibility.ANY);

    private final Class<E> payloadType;
    private final Class<A> stateType;

    public LoopCodec(Class<E> payloadType, Class<A> stateType) {
        this.payloadType = payloadType;
        this.stateType = stateType;
    }

    /** The profiles' form in the binary records: their state form. */
    private static final TypeSerializer<?> PROFILES = ProfileStateSerializer.INSTANCE;

    /** Whether this codec writes the binary form: for the job's own events and profiles. */
    private boolean binary() {
        return payloadType == CustomerEvent.class && stateType == ProfileState.class;
    }

    /** A message and where it goes. */
    public record Envelope<E, A>(Address to, Message<E, A> message) {}

    /** The record's key: the target's key, so one target's messages share a partition. */
    public static String key(Address to) {
        return to.actor() + "|" + to.key();
    }

    /**
     * The record's value. Written with a streaming generator: the event and state objects go
     * straight to the bytes, with no tree in between (the loop and the job's own edges encode every
     * message).
     */
    @SuppressWarnings("unchecked")
    public byte[] encode(Address to, Message<E, A> message) {
        if (binary()) {
            return LoopBinaryForm.encode(
                    to, (Message<CustomerEvent, A>) message, (TypeSerializer<A>) PROFILES);
        }
        return encodeJson(to, message);
    }

    /**
     * The record's value as JSON, whatever the kind (records of releases before the binary form).
     */
    byte[] encodeJson(Address to, Message<E, A> message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
        try (JsonGenerator json = JSON.getFactory().createGenerator(bytes)) {
            json.writeStartObject();
            json.writeNumberField("v", VERSION);
            json.writeStringField("actor", to.actor().name());
            json.writeStringField("key", to.key());
            json.writeStringField("kind", message.getClass().getSimpleName());
            writeFields(json, message);
            json.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a loop message cannot be written", e);
        }
        return bytes.toByteArray();
    }

    private void writeFields(JsonGenerator json, Message<E, A> message) throws IOException {
        if (message instanceof Message.Contribute<E, A> m) {
            json.writeStringField("eventId", m.eventId());
            object(json, "payload", m.payload());
            requires(json, m.requires());
        } else if (message instanceof Message.Link<E, A> m) {
            tree(json, "winner", id(m.winner()));
            tree(json, "fallbacks", ids(m.fallbacks()));
            if (m.carried() != null) {
                json.writeStringField("eventId", m.carried().eventId());
                object(json, "payload", m.carried().payload());
            }
            if (m.blamed() != null) {
                json.writeStringField("blamed", m.blamed());
            }
            if (m.at() != Message.UNKNOWN_TIME) {
                json.writeNumberField("at", m.at());
            }
            if (m.plan() != null) {
                json.writeStringField("plan", m.plan());
            }
        } else if (message instanceof Message.Plan<E, A> m) {
            json.writeStringField("plan", m.eventId());
            tree(json, "steps", steps(m.steps()));
            json.writeNumberField("at", m.at());
        } else if (message instanceof Message.Skip<E, A> m) {
            json.writeStringField("plan", m.plan());
            tree(json, "from", id(m.from()));
        } else if (message instanceof Message.Offer<E, A> m) {
            tree(json, "from", id(m.from()));
            object(json, "members", m.members());
            object(json, "state", m.state());
            object(json, "own", m.own());
            tree(json, "absorbed", ids(new ArrayList<>(m.absorbed())));
            tree(json, "pending", reservations(m.pending()));
            json.writeBooleanField("announced", m.announced());
            if (m.carried() != null) {
                json.writeStringField("eventId", m.carried().eventId());
                object(json, "payload", m.carried().payload());
            }
            if (m.at() != Message.UNKNOWN_TIME) {
                json.writeNumberField("at", m.at());
            }
            if (m.plan() != null) {
                json.writeStringField("plan", m.plan());
            }
        } else if (message instanceof Message.Relay<E, A> m) {
            tree(json, "from", id(m.from()));
            json.writeStringField("eventId", m.contribution().eventId());
            object(json, "payload", m.contribution().payload());
            requires(json, m.contribution().requires());
        } else if (message instanceof Message.Propose<E, A> m) {
            tree(json, "from", id(m.from()));
            object(json, "own", m.own());
            tree(json, "pending", reservations(m.pending()));
        } else if (message instanceof Message.Accept<E, A> m) {
            tree(json, "winner", id(m.winner()));
            if (m.taken()) {
                json.writeBooleanField("taken", true);
            }
        } else if (message instanceof Message.Reject<E, A> m) {
            tree(json, "winner", id(m.winner()));
            json.writeStringField("rule", m.rule());
            json.writeStringField("detail", m.detail());
            if (m.planned()) {
                json.writeBooleanField("planned", true);
                if (m.redirect() != null) {
                    tree(json, "redirect", id(m.redirect()));
                }
            }
        } else if (message instanceof Message.Absorb<E, A> m) {
            tree(json, "from", id(m.from()));
            object(json, "members", m.members());
            object(json, "state", m.state());
            object(json, "unique", m.unique());
            json.writeBooleanField("reserved", m.reserved());
            tree(json, "absorbed", ids(new ArrayList<>(m.absorbed())));
            tree(json, "pending", reservations(m.pending()));
            json.writeBooleanField("announced", m.announced());
            if (m.at() != Message.UNKNOWN_TIME) {
                json.writeNumberField("at", m.at());
            }
        } else if (message instanceof Message.Repoint<E, A> m) {
            tree(json, "cluster", id(m.cluster()));
            if (m.apart()) {
                json.writeBooleanField("apart", true);
            }
            if (m.placement() != null) {
                tree(json, "placement", id(m.placement()));
            }
        } else if (message instanceof Message.Init<E, A> m) {
            json.writeStringField("identifier", m.identifier());
            order(json, m.orderKey(), m.orderPosition());
            if (m.tellsDirectory()) {
                json.writeBooleanField("tellsDirectory", true);
            }
        } else if (message instanceof Message.Admit<E, A> m) {
            json.writeStringField("plan", m.eventId());
            tree(json, "steps", steps(m.steps()));
            json.writeNumberField("at", m.at());
            json.writeStringField("eventId", m.contribution().eventId());
            object(json, "payload", m.contribution().payload());
            var unsent = JSON.createArrayNode();
            for (Message.Init<E, A> init : m.unsent()) {
                ObjectNode node = unsent.addObject();
                node.put("identifier", init.identifier());
                if (init.orderKey() != null) {
                    node.put("orderKey", init.orderKey());
                    node.put("orderPosition", init.orderPosition());
                }
            }
            tree(json, "unsent", unsent);
            if (m.anchor() != null) {
                json.writeStringField("anchor", m.anchor());
            }
            if (m.provisional()) {
                json.writeBooleanField("provisional", true);
            }
        } else if (message instanceof Message.Event<E, A> m) {
            json.writeStringField("eventId", m.eventId());
            object(json, "identifiers", m.identifiers());
            json.writeStringField("anchor", m.anchor());
            json.writeNumberField("time", m.time());
            object(json, "payload", m.payload());
        } else if (message instanceof Message.Probe<E, A> m) {
            json.writeStringField("eventId", m.eventId());
            json.writeStringField("identifier", m.identifier());
            json.writeNumberField("time", m.time());
            if (m.payload() != null) {
                object(json, "payload", m.payload());
            }
            order(json, m.orderKey(), m.orderPosition());
            if (m.anchor() != null) {
                json.writeStringField("anchor", m.anchor());
            }
            requires(json, m.requires());
            if (m.mayJoin()) {
                json.writeBooleanField("mayJoin", true);
            }
        } else if (message instanceof Message.Reply<E, A> m) {
            json.writeStringField("eventId", m.eventId());
            json.writeStringField("identifier", m.identifier());
            tree(json, "cluster", id(m.cluster()));
            if (m.quarantined()) {
                json.writeBooleanField("quarantined", true);
            }
            if (m.founded()) {
                json.writeBooleanField("founded", true);
            }
            if (m.joining() != null) {
                json.writeStringField("joining", m.joining());
            }
            if (m.unsent() != null) {
                json.writeBooleanField("unsent", true);
                order(json, m.unsent().orderKey(), m.unsent().orderPosition());
            }
            if (m.provisional()) {
                json.writeBooleanField("provisional", true);
            }
        } else if (message instanceof Message.Blame<E, A> m) {
            json.writeStringField("identifier", m.identifier());
        } else if (message instanceof Message.Erase<E, A> m) {
            json.writeStringField("eventId", m.eventId());
            json.writeStringField("identifier", m.identifier());
            json.writeNumberField("time", m.time());
            object(json, "payload", m.payload());
        } else if (message instanceof Message.EraseJoined<E, A> m) {
            tree(json, "from", id(m.from()));
            object(json, "own", m.own());
            json.writeNumberField("time", m.time());
            object(json, "payload", m.delete());
        } else if (message instanceof Message.Forget<E, A> m) {
            tree(json, "cluster", id(m.cluster()));
            json.writeNumberField("foundAfter", m.foundAfter());
        } else {
            throw new IllegalArgumentException("an unknown message " + message);
        }
    }

    /** An event's order key and place, when it has them (added in version 3, optional). */
    private static void order(JsonGenerator json, String key, long position) throws IOException {
        if (key != null) {
            json.writeStringField("orderKey", key);
            json.writeNumberField("orderPosition", position);
        }
    }

    private static void object(JsonGenerator json, String field, Object value) throws IOException {
        json.writeFieldName(field);
        JSON.writeValue(json, value);
    }

    private static void tree(JsonGenerator json, String field, JsonNode value) throws IOException {
        json.writeFieldName(field);
        json.writeTree(value);
    }

    /**
     * Reads a record.
     *
     * @throws IllegalArgumentException for a record that is not a loop message of a version this
     *     release reads
     */
    @SuppressWarnings("unchecked")
    public Envelope<E, A> decode(byte[] value) {
        if (LoopBinaryForm.isBinary(value)) {
            if (!binary()) {
                throw new IllegalArgumentException(
                        "a loop record in the binary form, for a codec of "
                                + payloadType
                                + " and "
                                + stateType);
            }
            return (Envelope<E, A>)
                    (Envelope<?, ?>) LoopBinaryForm.decode(value, (TypeSerializer<A>) PROFILES);
        }
        if (value.length > 0 && value[0] > LoopBinaryForm.VERSION && value[0] < ' ') {
            throw new IllegalArgumentException(
                    "a loop record of version "
                            + value[0]
                            + ": this release reads versions 1 to "
                            + LoopBinaryForm.VERSION
                            + " (was it written by a newer one?)");
        }
        // One pass: the event and state objects are read straight into their classes; the small
        // fields are kept as a tree.
        ObjectNode json = JSON.createObjectNode();
        E payload = null;
        A state = null;
        Reservation own = null;
        JsonProcessingException malformed = null;
        try (JsonParser parser = JSON.getFactory().createParser(value)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("a loop record is not a JSON object");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                parser.nextToken();
                try {
                    switch (field) {
                        case "payload" -> payload = JSON.readValue(parser, payloadType);
                        case "state" -> state = JSON.readValue(parser, stateType);
                        case "own" -> own = JSON.readValue(parser, Reservation.class);
                        default -> json.set(field, JSON.readTree(parser));
                    }
                } catch (JsonProcessingException e) {
                    if (!(e instanceof JsonParseException)
                            && ("payload".equals(field)
                                    || "state".equals(field)
                                    || "own".equals(field))) {
                        malformed = e; // reported after the version is checked
                        break;
                    }
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("a loop record is not JSON", e);
        }
        int version = json.path("v").asInt(-1);
        if (version < 1 || version > VERSION) {
            throw new IllegalArgumentException(
                    "a loop record of version "
                            + version
                            + ": this release reads versions 1 to "
                            + VERSION
                            + " (was it written by a newer one?)");
        }
        Address to =
                new Address(Actor.valueOf(json.path("actor").asText()), json.path("key").asText());
        String kind = json.path("kind").asText();
        if (malformed != null) {
            throw new IllegalArgumentException(
                    "a loop record of kind " + kind + " is malformed", malformed);
        }
        try {
            Message<E, A> message =
                    switch (kind) {
                        case "Contribute" ->
                                new Message.Contribute<>(
                                        json.path("eventId").asText(), payload, requires(json));
                        case "Link" ->
                                new Message.Link<>(
                                        id(json.get("winner")),
                                        ids(json.path("fallbacks")),
                                        payload != null
                                                ? new Message.Contribute<>(
                                                        json.path("eventId").asText(), payload)
                                                : null,
                                        json.hasNonNull("blamed")
                                                ? json.get("blamed").asText()
                                                : null,
                                        at(json),
                                        json.path("plan").asText(null));
                        case "Plan" ->
                                new Message.Plan<>(
                                        json.path("plan").asText(),
                                        steps(json.path("steps")),
                                        json.path("at").asLong());
                        case "Skip" ->
                                new Message.Skip<>(
                                        json.path("plan").asText(), id(json.get("from")));
                        case "Propose" ->
                                new Message.Propose<>(
                                        id(json.get("from")),
                                        own,
                                        reservations(json.path("pending")));
                        case "Offer" ->
                                new Message.Offer<>(
                                        id(json.get("from")),
                                        new TreeSet<>(strings(json.path("members"))),
                                        state,
                                        own,
                                        new TreeSet<>(ids(json.path("absorbed"))),
                                        reservations(json.path("pending")),
                                        json.path("announced").asBoolean(),
                                        payload != null
                                                ? new Message.Contribute<>(
                                                        json.path("eventId").asText(), payload)
                                                : null,
                                        at(json),
                                        json.path("plan").asText(null));
                        case "Relay" ->
                                new Message.Relay<>(
                                        id(json.get("from")),
                                        new Message.Contribute<>(
                                                json.path("eventId").asText(),
                                                payload,
                                                requires(json)));
                        case "Accept" ->
                                new Message.Accept<>(
                                        id(json.get("winner")),
                                        json.path("taken").asBoolean(false));
                        case "Reject" ->
                                new Message.Reject<>(
                                        id(json.get("winner")),
                                        json.path("rule").asText(),
                                        json.path("detail").asText(),
                                        json.path("planned").asBoolean(false),
                                        json.hasNonNull("redirect")
                                                ? id(json.get("redirect"))
                                                : null);
                        case "Absorb" ->
                                new Message.Absorb<>(
                                        id(json.get("from")),
                                        new TreeSet<>(strings(json.path("members"))),
                                        state,
                                        stringMap(json.path("unique")),
                                        json.path("reserved").asBoolean(),
                                        new TreeSet<>(ids(json.path("absorbed"))),
                                        reservations(json.path("pending")),
                                        json.path("announced").asBoolean(true),
                                        at(json));
                        case "Repoint" ->
                                new Message.Repoint<>(
                                        id(json.get("cluster")),
                                        json.path("apart").asBoolean(false),
                                        json.hasNonNull("placement")
                                                ? id(json.get("placement"))
                                                : null);
                        case "Init" ->
                                new Message.Init<>(
                                        json.path("identifier").asText(),
                                        json.path("orderKey").asText(null),
                                        json.path("orderPosition").asLong(0),
                                        json.path("tellsDirectory").asBoolean(false));
                        case "Admit" ->
                                new Message.Admit<>(
                                        json.path("plan").asText(),
                                        steps(json.path("steps")),
                                        json.path("at").asLong(),
                                        new Message.Contribute<>(
                                                json.path("eventId").asText(), payload),
                                        inits(json.path("unsent")),
                                        json.path("anchor").asText(null),
                                        json.path("provisional").asBoolean(false));
                        case "Event" ->
                                new Message.Event<>(
                                        json.path("eventId").asText(),
                                        List.copyOf(strings(json.path("identifiers"), true)),
                                        json.path("anchor").asText(),
                                        json.path("time").asLong(),
                                        payload);
                        case "Probe" ->
                                new Message.Probe<>(
                                        json.path("eventId").asText(),
                                        json.path("identifier").asText(),
                                        json.path("time").asLong(),
                                        payload != null ? payload : null,
                                        json.path("orderKey").asText(null),
                                        json.path("orderPosition").asLong(0),
                                        json.path("anchor").asText(null),
                                        requires(json),
                                        json.path("mayJoin").asBoolean(false));
                        case "Reply" ->
                                new Message.Reply<>(
                                        json.path("eventId").asText(),
                                        json.path("identifier").asText(),
                                        id(json.get("cluster")),
                                        json.path("quarantined").asBoolean(false),
                                        json.path("founded").asBoolean(false),
                                        json.path("joining").asText(null),
                                        json.path("unsent").asBoolean(false)
                                                ? new Message.Init<>(
                                                        json.path("identifier").asText(),
                                                        json.path("orderKey").asText(null),
                                                        json.path("orderPosition").asLong(0))
                                                : null,
                                        json.path("provisional").asBoolean(false));
                        case "Blame" -> new Message.Blame<>(json.path("identifier").asText());
                        case "Erase" ->
                                new Message.Erase<>(
                                        json.path("eventId").asText(),
                                        json.path("identifier").asText(),
                                        json.path("time").asLong(),
                                        payload);
                        case "EraseJoined" ->
                                new Message.EraseJoined<>(
                                        id(json.get("from")),
                                        own,
                                        json.path("time").asLong(),
                                        payload);
                        case "Forget" ->
                                new Message.Forget<>(
                                        id(json.get("cluster")),
                                        json.path("foundAfter").asLong(Long.MIN_VALUE));
                        default ->
                                throw new IllegalArgumentException(
                                        "a loop record of unknown kind '" + kind + "'");
                    };
            return new Envelope<>(to, message);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "a loop record of kind " + kind + " is malformed", e);
        }
    }

    private static JsonNode id(ClusterId id) {
        return JSON.createObjectNode()
                .put("createdAt", id.createdAt())
                .put("founder", id.founder());
    }

    /**
     * The time a Link or Absorb carries, or {@link Message#UNKNOWN_TIME} for records of a release
     * that did not write it (added in version 3).
     */
    private static long at(JsonNode json) {
        return json.has("at") ? json.get("at").asLong() : Message.UNKNOWN_TIME;
    }

    private static ClusterId id(JsonNode json) {
        if (json == null || !json.has("createdAt") || !json.has("founder")) {
            throw new IllegalArgumentException("a loop record lacks a cluster id");
        }
        return new ClusterId(json.get("createdAt").asLong(), json.get("founder").asText());
    }

    private static JsonNode ids(List<ClusterId> ids) {
        var array = JSON.createArrayNode();
        ids.forEach(id -> array.add(id(id)));
        return array;
    }

    private static List<ClusterId> ids(JsonNode array) {
        List<ClusterId> ids = new ArrayList<>();
        array.forEach(id -> ids.add(id(id)));
        return ids;
    }

    /** A plan's steps (added in version 4). */
    private static JsonNode steps(List<Message.PlanStep> steps) {
        var array = JSON.createArrayNode();
        for (Message.PlanStep step : steps) {
            ObjectNode node = array.addObject();
            node.put("identifier", step.identifier());
            node.set("cluster", id(step.cluster()));
            node.put("known", step.known());
        }
        return array;
    }

    private static <E, A> List<Message.Init<E, A>> inits(JsonNode array) {
        List<Message.Init<E, A>> inits = new ArrayList<>();
        for (JsonNode node : array) {
            inits.add(
                    new Message.Init<>(
                            node.path("identifier").asText(),
                            node.path("orderKey").asText(null),
                            node.path("orderPosition").asLong(0)));
        }
        return List.copyOf(inits);
    }

    private static List<Message.PlanStep> steps(JsonNode array) {
        List<Message.PlanStep> steps = new ArrayList<>();
        for (JsonNode step : array) {
            steps.add(
                    new Message.PlanStep(
                            step.path("identifier").asText(),
                            id(step.get("cluster")),
                            step.path("known").asBoolean()));
        }
        return List.copyOf(steps);
    }

    private static JsonNode reservations(Map<ClusterId, Reservation> reservations) {
        var array = JSON.createArrayNode();
        reservations.forEach(
                (loser, reservation) -> {
                    ObjectNode entry = array.addObject();
                    entry.set("loser", id(loser));
                    entry.set("reservation", JSON.valueToTree(reservation));
                });
        return array;
    }

    private static Map<ClusterId, Reservation> reservations(JsonNode array)
            throws JsonProcessingException {
        Map<ClusterId, Reservation> reservations = new TreeMap<>();
        for (JsonNode entry : array) {
            reservations.put(
                    id(entry.get("loser")),
                    JSON.treeToValue(entry.get("reservation"), Reservation.class));
        }
        return reservations;
    }

    /**
     * What an event sent straight to its anchor's cluster requires (an optional field of version
     * 4's JSON: a release before it ignores it).
     */
    private void requires(JsonGenerator json, List<String> requires) throws IOException {
        if (requires != null) {
            object(json, "requires", requires);
        }
    }

    private static List<String> requires(JsonNode json) {
        JsonNode requires = json.get("requires");
        return requires == null || requires.isNull() ? null : List.copyOf(strings(requires, true));
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> strings = new TreeSet<>();
        array.forEach(s -> strings.add(s.asText()));
        return strings;
    }

    /** The strings in their order. */
    private static List<String> strings(JsonNode array, boolean ordered) {
        List<String> strings = new ArrayList<>();
        array.forEach(s -> strings.add(s.asText()));
        return strings;
    }

    private static Map<String, String> stringMap(JsonNode object) {
        Map<String, String> map = new TreeMap<>();
        object.fields().forEachRemaining(f -> map.put(f.getKey(), f.getValue().asText()));
        return map;
    }
}
