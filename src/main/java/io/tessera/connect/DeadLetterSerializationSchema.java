package io.tessera.connect;

import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.DeadLetterJson;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes dead letters to {@code cdp.events.dlq}, keyed by the source record's key. The Kafka
 * timestamp is the refusal time, set explicitly: the stream timestamp may be far from now, and
 * brokers refuse timestamps outside their window.
 */
public final class DeadLetterSerializationSchema
        implements KafkaRecordSerializationSchema<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final String topic;

    /** A schema writing to the given topic. */
    public DeadLetterSerializationSchema(String topic) {
        this.topic = topic;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            DeadLetter deadLetter, KafkaSinkContext context, Long timestamp) {
        return new ProducerRecord<>(
                topic, null, deadLetter.at(), deadLetter.key(), DeadLetterJson.toBytes(deadLetter));
    }
}
