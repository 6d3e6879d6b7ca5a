package io.tessera.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.model.CustomerEvent;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Turns one raw record into accepted events and dead letters (events.md): parses a Segment message
 * or a batch envelope, validates each message, resolves its event time and identifiers. Never
 * throws on bad input: every refusal is a {@link DeadLetter} with its reason.
 */
public final class SegmentMessageParser implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The message types the job accepts: Segment's six, and {@code delete}, a privacy request that
     * removes the profile of the identifiers it names.
     */
    public static final Set<String> MESSAGE_TYPES =
            Set.of("track", "identify", "page", "screen", "group", "alias", "delete");

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final IngestSettings settings;
    private final IdentifierExtractor identifiers;
    private final EventTimeResolver eventTimes;
    private final Clock clock;

    /** A parser with the given settings, refusing times far ahead of the given clock. */
    public SegmentMessageParser(IngestSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.identifiers = new IdentifierExtractor(IdentifierNormalizer.of(settings));
        this.eventTimes = new EventTimeResolver(clock, settings.maxFutureSkew());
    }

    /** Parses one record, handing every accepted event and dead letter to {@code out}. */
    public void parse(RawRecord record, Consumer<IngestRecord> out) {
        byte[] value = record.value();
        if (value == null || value.length == 0) {
            out.accept(refuse(record, DeadLetterReason.MALFORMED_JSON, "empty record", value));
            return;
        }
        if (value.length > Math.max(settings.maxMessageBytes(), settings.maxBatchBytes())) {
            out.accept(refuse(record, DeadLetterReason.TOO_LARGE, tooLarge(value.length), value));
            return;
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(value);
        } catch (JsonProcessingException e) {
            out.accept(
                    refuse(record, DeadLetterReason.MALFORMED_JSON, e.getOriginalMessage(), value));
            return;
        } catch (IOException e) {
            out.accept(refuse(record, DeadLetterReason.MALFORMED_JSON, e.getMessage(), value));
            return;
        }
        if (root == null || !root.isObject()) {
            out.accept(refuse(record, DeadLetterReason.MALFORMED_JSON, "not a JSON object", value));
            return;
        }
        if (root.has("batch")) {
            parseBatch(record, (ObjectNode) root, value, out);
            return;
        }
        if (value.length > settings.maxMessageBytes()) {
            out.accept(refuse(record, DeadLetterReason.TOO_LARGE, tooLarge(value.length), value));
            return;
        }
        out.accept(parseMessage(record, (ObjectNode) root, value, ""));
    }

    private void parseBatch(
            RawRecord record, ObjectNode envelope, byte[] value, Consumer<IngestRecord> out) {
        JsonNode batch = envelope.get("batch");
        if (!batch.isArray()) {
            out.accept(refuse(record, DeadLetterReason.BAD_TYPE, "batch is not an array", value));
            return;
        }
        if (batch.size() > settings.maxBatchItems()) {
            String detail =
                    "batch has "
                            + batch.size()
                            + " items, the limit is "
                            + settings.maxBatchItems();
            out.accept(refuse(record, DeadLetterReason.BATCH_TOO_LARGE, detail, value));
            return;
        }
        boolean itemsMayBeTooLarge = value.length > settings.maxMessageBytes();
        for (int i = 0; i < batch.size(); i++) {
            JsonNode item = batch.get(i);
            String where = "batch item " + i + ": ";
            if (!item.isObject()) {
                out.accept(
                        refuse(
                                record,
                                DeadLetterReason.MALFORMED_JSON,
                                where + "not a JSON object",
                                bytes(item)));
                continue;
            }
            ObjectNode message = applyEnvelope((ObjectNode) item, envelope);
            byte[] itemBytes = itemsMayBeTooLarge ? bytes(item) : null;
            if (itemBytes != null && itemBytes.length > settings.maxMessageBytes()) {
                out.accept(
                        refuse(
                                record,
                                DeadLetterReason.TOO_LARGE,
                                where + tooLarge(itemBytes.length),
                                itemBytes));
                continue;
            }
            out.accept(parseMessage(record, message, null, where));
        }
    }

    /** The envelope's context and sentAt fill what an item lacks (context key by key). */
    private static ObjectNode applyEnvelope(ObjectNode item, ObjectNode envelope) {
        ObjectNode message = item.deepCopy();
        JsonNode envelopeContext = envelope.get("context");
        if (envelopeContext != null && envelopeContext.isObject()) {
            JsonNode itemContext = message.get("context");
            if (itemContext == null || !itemContext.isObject()) {
                message.set("context", envelopeContext.deepCopy());
            } else {
                ObjectNode merged = (ObjectNode) itemContext;
                Iterator<Map.Entry<String, JsonNode>> fields = envelopeContext.fields();
                while (fields.hasNext()) {
                    Map.Entry<String, JsonNode> field = fields.next();
                    if (!merged.has(field.getKey())) {
                        merged.set(field.getKey(), field.getValue().deepCopy());
                    }
                }
            }
        }
        JsonNode sentAt = envelope.get("sentAt");
        if (sentAt != null && !message.has("sentAt")) {
            message.set("sentAt", sentAt);
        }
        return message;
    }

    /**
     * Validates one message. {@code raw} is the record's bytes for a single message, or null for a
     * batch item (whose dead letters keep the item itself, with the envelope applied).
     */
    private IngestRecord parseMessage(
            RawRecord record, ObjectNode message, byte[] raw, String where) {
        JsonNode typeNode = message.get("type");
        if (typeNode == null || !typeNode.isTextual()) {
            return refuse(record, DeadLetterReason.BAD_TYPE, where + "missing type", raw, message);
        }
        String type = typeNode.asText();
        if (!MESSAGE_TYPES.contains(type)) {
            return refuse(
                    record,
                    DeadLetterReason.BAD_TYPE,
                    where + "unknown type '" + type + "'",
                    raw,
                    message);
        }
        String event = eventName(type, message);
        if ("track".equals(type) && event == null) {
            return refuse(
                    record,
                    DeadLetterReason.MISSING_EVENT,
                    where + "track without event",
                    raw,
                    message);
        }
        EventTimeResolver.Resolved time = eventTimes.resolve(message, record.timestamp());
        if (!time.ok()) {
            return refuse(
                    record, DeadLetterReason.BAD_TIMESTAMP, where + time.problem(), raw, message);
        }
        IdentifierExtractor.Extracted ids = identifiers.extract(type, message);
        if (ids.identifiers().isEmpty() || ("alias".equals(type) && ids.previousId() == null)) {
            String detail =
                    ids.refused().isEmpty()
                            ? "no identifier"
                            : "no usable identifier: " + String.join("; ", ids.refused());
            return refuse(record, DeadLetterReason.NO_IDENTIFIER, where + detail, raw, message);
        }
        JsonNode messageId = message.get("messageId");
        return IngestRecord.accepted(
                new CustomerEvent(
                        messageId != null && messageId.isValueNode() && !messageId.isNull()
                                ? messageId.asText()
                                : null,
                        type,
                        event,
                        time.eventTime(),
                        ids.identifiers(),
                        ids.previousId(),
                        message.toString(),
                        tenantOf(message)),
                record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
    }

    /** The tenant named by the configured field, or the default tenant. */
    private String tenantOf(JsonNode message) {
        if (settings.tenantField() == null) {
            return CustomerEvent.DEFAULT_TENANT;
        }
        JsonNode node = message;
        for (String name : settings.tenantField().split("\\.")) {
            node = node.path(name);
        }
        return node.isValueNode() && !node.asText().isBlank()
                ? node.asText()
                : CustomerEvent.DEFAULT_TENANT;
    }

    /** The track event name, or the page or screen name; null when absent or blank. */
    private static String eventName(String type, JsonNode message) {
        JsonNode node =
                switch (type) {
                    case "track" -> message.get("event");
                    case "page", "screen" -> message.get("name");
                    default -> null;
                };
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            return null;
        }
        return node.asText();
    }

    private String tooLarge(int size) {
        return size + " bytes, the limit is " + settings.maxMessageBytes();
    }

    private IngestRecord refuse(
            RawRecord record,
            DeadLetterReason reason,
            String detail,
            byte[] raw,
            JsonNode message) {
        return refuse(record, reason, detail, raw != null ? raw : bytes(message));
    }

    private IngestRecord refuse(
            RawRecord record, DeadLetterReason reason, String detail, byte[] raw) {
        String text = raw == null ? "" : utf8OrNull(raw);
        return IngestRecord.refused(
                new DeadLetter(
                        reason.wireName(),
                        detail,
                        text != null ? text : Base64.getEncoder().encodeToString(raw),
                        text != null ? "utf-8" : "base64",
                        record.key(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        clock.millis()));
    }

    private static byte[] bytes(JsonNode node) {
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String utf8OrNull(byte[] raw) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw))
                    .toString();
        } catch (CharacterCodingException binary) {
            return null;
        }
    }
}
