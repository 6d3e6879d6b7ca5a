package io.tessera.tools;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes any stream element as a JSON value to a topic, with the wall-clock time as the Kafka
 * timestamp (a stream timestamp at the end of input is {@code Long.MAX_VALUE}, which brokers
 * refuse). Used by the demo and the tests to observe a stream through Kafka.
 */
public final class JsonKafkaSerializationSchema<T> implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final SerializableFunction<T, ObjectNode> toJson;

    /** A schema writing {@code toJson(element)} to the topic. */
    public JsonKafkaSerializationSchema(String topic, SerializableFunction<T, ObjectNode> toJson) {
        this.topic = topic;
        this.toJson = toJson;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long ts) {
        byte[] value = toJson.apply(element).toString().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(topic, null, System.currentTimeMillis(), null, value);
    }
}
