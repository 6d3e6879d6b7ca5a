package io.tessera.connect;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes stream elements as keyed JSON records; a null value is a tombstone (compacted topics). The
 * Kafka timestamp is the wall clock, set explicitly: a stream timestamp may be far in the past or,
 * at the end of a bounded input, {@code Long.MAX_VALUE}, which brokers refuse.
 */
public final class JsonRecordSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, byte[]> key;
    private final SerializableFunction<T, byte[]> value;

    /**
     * @param topic the topic written to
     * @param key the record key of an element, or null
     * @param value the UTF-8 JSON value of an element, or null for a tombstone
     */
    private JsonRecordSerializationSchema(
            String topic,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, byte[]> value) {
        this.topic = topic;
        this.key = key;
        this.value = value;
    }

    /** Keys by the given bytes of the element (null: no key); the value is a JSON tree. */
    public static <T> JsonRecordSerializationSchema<T> keyed(
            String topic,
            SerializableFunction<T, byte[]> key,
            SerializableFunction<T, JsonNode> value) {
        return new JsonRecordSerializationSchema<>(topic, key, utf8Json(value));
    }

    /** Keys by a string of the element. */
    public static <T> JsonRecordSerializationSchema<T> keyedByString(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, JsonNode> value) {
        return keyedByStringWritten(topic, key, utf8Json(value));
    }

    /**
     * Keys by a string of the element; the value is written by the given function as UTF-8 JSON
     * (null for a tombstone), with no tree in between.
     */
    public static <T> JsonRecordSerializationSchema<T> keyedByStringWritten(
            String topic,
            SerializableFunction<T, String> key,
            SerializableFunction<T, byte[]> value) {
        return new JsonRecordSerializationSchema<>(topic, utf8(key), value);
    }

    private static <T> SerializableFunction<T, byte[]> utf8(SerializableFunction<T, String> key) {
        return element -> {
            String k = key.apply(element);
            return k == null ? null : k.getBytes(StandardCharsets.UTF_8);
        };
    }

    private static <T> SerializableFunction<T, byte[]> utf8Json(
            SerializableFunction<T, JsonNode> tree) {
        return element -> {
            JsonNode json = tree.apply(element);
            return json == null ? null : json.toString().getBytes(StandardCharsets.UTF_8);
        };
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ts) {
        return new ProducerRecord<>(
                topic, null, System.currentTimeMillis(), key.apply(element), value.apply(element));
    }
}
