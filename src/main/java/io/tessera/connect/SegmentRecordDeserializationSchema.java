package io.tessera.connect;

import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.RawRecord;
import io.tessera.ingest.SegmentMessageParser;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.RecordBatch;

/**
 * Reads {@code cdp.events} records into parsed records. Parsing here, in the source, lets event
 * time and watermarks be assigned per Kafka partition; it never throws on bad input.
 */
public final class SegmentRecordDeserializationSchema
        implements KafkaRecordDeserializationSchema<IngestRecord> {
    private static final long serialVersionUID = 1L;

    private final SegmentMessageParser parser;

    /** A schema that parses with the given parser. */
    public SegmentRecordDeserializationSchema(SegmentMessageParser parser) {
        this.parser = parser;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<IngestRecord> out) {
        Long timestamp = record.timestamp() == RecordBatch.NO_TIMESTAMP ? null : record.timestamp();
        parser.parse(
                new RawRecord(
                        record.key(),
                        record.value(),
                        record.topic(),
                        record.partition(),
                        record.offset(),
                        timestamp),
                out::collect);
    }

    @Override
    public TypeInformation<IngestRecord> getProducedType() {
        return TypeInformation.of(IngestRecord.class);
    }
}
