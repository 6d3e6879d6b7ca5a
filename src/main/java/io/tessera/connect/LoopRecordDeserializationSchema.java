package io.tessera.connect;

import io.tessera.identity.distributed.Routed;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

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
        Header attempt = record.headers().lastHeader(ATTEMPT);
        if (attempt != null) {
            Header checkpoint = record.headers().lastHeader(CHECKPOINT);
            routed.attempt = new String(attempt.value(), StandardCharsets.UTF_8);
            routed.checkpoint =
                    Long.parseLong(new String(checkpoint.value(), StandardCharsets.UTF_8));
        }
        out.collect(routed);
    }

    /** Header of a stamped loop record: the attempt that wrote it. */
    static final String ATTEMPT = "tessera-attempt";

    /** Header of a stamped loop record: the checkpoint it belongs to. */
    static final String CHECKPOINT = "tessera-checkpoint";

    /** Writes a message's loop stamp, if it has one, as headers. */
    static void stamp(Routed routed, Headers headers) {
        if (routed.attempt != null) {
            headers.add(ATTEMPT, routed.attempt.getBytes(StandardCharsets.UTF_8));
            headers.add(
                    CHECKPOINT, Long.toString(routed.checkpoint).getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public TypeInformation<Routed> getProducedType() {
        return TypeInformation.of(Routed.class);
    }
}
