package io.tessera.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The dead-letter wire format of {@code cdp.events.dlq}: {@code {reason, detail, raw, rawEncoding,
 * topic, partition, offset, at}}.
 */
public final class DeadLetterJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private DeadLetterJson() {}

    /** The dead letter as a JSON object. */
    public static ObjectNode toJson(DeadLetter deadLetter) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("reason", deadLetter.reason());
        json.put("detail", deadLetter.detail());
        json.put("raw", deadLetter.raw());
        json.put("rawEncoding", deadLetter.rawEncoding());
        json.put("topic", deadLetter.topic());
        json.put("partition", deadLetter.partition());
        json.put("offset", deadLetter.offset());
        json.put("at", Instant.ofEpochMilli(deadLetter.at()).toString());
        return json;
    }

    /** The dead letter as UTF-8 JSON bytes. */
    public static byte[] toBytes(DeadLetter deadLetter) {
        return toJson(deadLetter).toString().getBytes(StandardCharsets.UTF_8);
    }
}
