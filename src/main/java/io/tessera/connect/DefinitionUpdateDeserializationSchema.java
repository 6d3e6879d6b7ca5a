package io.tessera.connect;

import io.tessera.definitions.DefinitionUpdate;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads {@code cdp.definitions}: the key {@code <kind>/<id>}, the value a definition or a
 * tombstone. Validation happens in the operator, where a refusal is reported, never here.
 */
public final class DefinitionUpdateDeserializationSchema
        implements KafkaRecordDeserializationSchema<DefinitionUpdate> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<DefinitionUpdate> out) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        String value =
                record.value() == null ? null : new String(record.value(), StandardCharsets.UTF_8);
        out.collect(new DefinitionUpdate(key, value));
    }

    @Override
    public TypeInformation<DefinitionUpdate> getProducedType() {
        return TypeInformation.of(DefinitionUpdate.class);
    }
}
