package io.tessera.connect;

import io.tessera.identity.distributed.Routed;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads a loop record: the target from its key ({@code ACTOR|key}), the message as is. */
final class LoopRecordDeserializationSchema implements KafkaRecordDeserializationSchema<Routed> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Routed> out) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        int bar = key.indexOf('|');
        if (bar < 1) {
            throw new IllegalStateException(
                    "a record of the identity loop without a target key at "
                            + record.topic()
                            + "-"
                            + record.partition()
                            + "@"
                            + record.offset());
        }
        Routed routed = new Routed();
        routed.actor = key.substring(0, bar);
        routed.key = key.substring(bar + 1);
        routed.record = record.value();
        out.collect(routed);
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return TypeInformation.of(Routed.class);
    }
}
