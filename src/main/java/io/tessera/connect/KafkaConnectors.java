package io.tessera.connect;

import io.tessera.activation.ActivationJson;
import io.tessera.activation.EdgeOutcome;
import io.tessera.definitions.DefinitionRejection;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentityJson;
import io.tessera.identity.IdentityOptions;
import io.tessera.identity.ProfileMerged;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.RejectedLink;
import io.tessera.identity.distributed.Routed;
import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.DeadLetterJson;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.AudienceTransitionJson;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Builds the job's Kafka sources and sinks from {@link KafkaSettings}. */
public final class KafkaConnectors {
    private KafkaConnectors() {}

    /** The {@code cdp.events} source; bounded at the offsets current at start when asked. */
    public static KafkaSource<IngestRecord> eventsSource(
            KafkaSettings kafka, SegmentMessageParser parser, boolean bounded) {
        return source(
                kafka,
                kafka.eventsTopic(),
                kafka.groupId(),
                startingOffsets(kafka.startingOffsets()),
                new SegmentRecordDeserializationSchema(parser),
                bounded);
    }

    /**
     * The {@code cdp.definitions} control-topic source, read from the start at every start (the
     * highest version wins, so reading a record twice changes nothing).
     */
    public static KafkaSource<DefinitionUpdate> definitionsSource(
            KafkaSettings kafka, boolean bounded) {
        return source(
                kafka,
                kafka.definitionsTopic(),
                kafka.groupId() + "-definitions",
                OffsetsInitializer.earliest(),
                new DefinitionUpdateDeserializationSchema(),
                bounded);
    }

    /**
     * The distributed identity mode's loop source, {@code read_committed}: a restore resumes at the
     * checkpointed offsets; a start without state reads the topic from its beginning.
     */
    public static KafkaSource<Routed> identityLoopSource(KafkaSettings kafka) {
        return source(
                kafka,
                kafka.identityLoopTopic(),
                kafka.groupId() + "-identity-loop",
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST),
                new LoopRecordDeserializationSchema(),
                false);
    }

    /**
     * The distributed identity mode's loop sink, keyed by the message's target: exactly-once, or
     * at-least-once with each record's stamp in its headers ({@code IdentityOptions.LoopWrites}).
     */
    public static KafkaSink<Routed> identityLoopSink(
            KafkaSettings kafka, IdentityOptions.LoopWrites writes) {
        String topic = kafka.identityLoopTopic();
        // The record keeps the message's timestamp (its event's time), so a merge read back from
        // the loop is dated by the event that caused it.
        KafkaRecordSerializationSchema<Routed> records =
                (routed, context, timestamp) -> {
                    ProducerRecord<byte[], byte[]> record =
                            new ProducerRecord<>(
                                    topic,
                                    null,
                                    timestamp == null || timestamp < 0 ? null : timestamp,
                                    (routed.actor + "|" + routed.key)
                                            .getBytes(StandardCharsets.UTF_8),
                                    routed.record);
                    LoopRecordDeserializationSchema.stamp(routed, record.headers());
                    return record;
                };
        if (writes == IdentityOptions.LoopWrites.STAMPED) {
            return KafkaSink.<Routed>builder()
                    .setBootstrapServers(kafka.bootstrapServers())
                    .setKafkaProducerConfig(clientProperties(kafka))
                    .setRecordSerializer(records)
                    .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                    // a loop crossing is on the path of a login's merge: a batching delay of
                    // 2 ms at most, so a produce request carries the records of that time
                    .setProperty("linger.ms", "2")
                    .setProperty("enable.idempotence", "true")
                    .setProperty("acks", "all")
                    .build();
        }
        return exactlyOnce(kafka, "identity-loop", records);
    }

    private static <T> KafkaSource<T> source(
            KafkaSettings kafka,
            String topic,
            String groupId,
            OffsetsInitializer startingOffsets,
            KafkaRecordDeserializationSchema<T> deserializer,
            boolean bounded) {
        var builder =
                KafkaSource.<T>builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setTopics(topic)
                        .setGroupId(groupId)
                        .setClientIdPrefix(groupId + "-" + topic)
                        .setStartingOffsets(startingOffsets)
                        .setDeserializer(deserializer)
                        .setProperties(clientProperties(kafka))
                        .setProperty("isolation.level", "read_committed");
        if (bounded) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    /** The exactly-once {@code cdp.definitions.rejected} sink, keyed like the control topic. */
    public static KafkaSink<DefinitionRejection> rejectedDefinitionsSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "definitions-rejected",
                JsonRecordSerializationSchema.keyedByString(
                        kafka.rejectedDefinitionsTopic(),
                        DefinitionRejection::key,
                        rejection ->
                                new com.fasterxml.jackson.databind.ObjectMapper()
                                        .createObjectNode()
                                        .put("key", rejection.key())
                                        .put("reason", rejection.reason())
                                        .put("definition", rejection.json())));
    }

    /** The exactly-once {@code cdp.events.dlq} sink, keyed by the source record's key. */
    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "events-dlq",
                JsonRecordSerializationSchema.keyed(
                        kafka.eventsDlqTopic(), DeadLetter::key, DeadLetterJson::toJson));
    }

    /** The exactly-once {@code cdp.profiles} sink: snapshots, and tombstones for merged ones. */
    public static KafkaSink<ProfileUpdate> profilesSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "profiles",
                JsonRecordSerializationSchema.<ProfileUpdate>keyedByStringWritten(
                        kafka.profilesTopic(),
                        ProfileUpdate::profileId,
                        update ->
                                update.isRemoval()
                                        ? null
                                        : IdentityJson.profileBytes(update.snapshot())));
    }

    /** The exactly-once {@code cdp.profile-merges} sink, keyed by the loser. */
    public static KafkaSink<ProfileMerged> mergesSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "profile-merges",
                JsonRecordSerializationSchema.keyedByString(
                        kafka.profileMergesTopic(), ProfileMerged::loser, IdentityJson::merge));
    }

    /** The exactly-once rejected-links audit sink, keyed by the profile refused. */
    public static KafkaSink<RejectedLink> rejectedLinksSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "rejected-links",
                JsonRecordSerializationSchema.keyedByString(
                        kafka.rejectedLinksTopic(),
                        RejectedLink::profileId,
                        IdentityJson::rejectedLink));
    }

    /** The exactly-once {@code cdp.audience-transitions} sink of the rule audiences, by profile. */
    public static KafkaSink<AudienceTransition> audienceTransitionsSink(KafkaSettings kafka) {
        return transitionsSink(kafka, "audience-transitions");
    }

    /**
     * The exactly-once {@code cdp.audience-transitions} sink of the sequence audiences: the same
     * topic, with transactional ids of its own, so the rule audiences' sink stays in the chain of
     * the task that evaluates them instead of taking a second input.
     */
    public static KafkaSink<AudienceTransition> sequenceTransitionsSink(KafkaSettings kafka) {
        return transitionsSink(kafka, "sequence-transitions");
    }

    private static KafkaSink<AudienceTransition> transitionsSink(KafkaSettings kafka, String name) {
        return exactlyOnce(
                kafka,
                name,
                JsonRecordSerializationSchema.keyedByString(
                        kafka.audienceTransitionsTopic(),
                        AudienceTransition::profileId,
                        AudienceTransitionJson::toJson));
    }

    /** The exactly-once {@code cdp.activation.dlq} sink, keyed by profile. */
    public static KafkaSink<EdgeOutcome> activationDeadLetterSink(KafkaSettings kafka) {
        return exactlyOnce(
                kafka,
                "activation-dlq",
                JsonRecordSerializationSchema.keyedByString(
                        kafka.activationDlqTopic(),
                        outcome -> outcome.request().profileId(),
                        ActivationJson::deadLetter));
    }

    private static <T> KafkaSink<T> exactlyOnce(
            KafkaSettings kafka, String name, KafkaRecordSerializationSchema<T> schema) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setKafkaProducerConfig(exactlyOnceProducerProperties(kafka))
                .setRecordSerializer(schema)
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                .setProperty(
                        "transaction.timeout.ms",
                        Long.toString(kafka.transactionTimeout().toMillis()))
                .build();
    }

    private static OffsetsInitializer startingOffsets(KafkaOptions.StartingOffsets offsets) {
        return switch (offsets) {
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
        };
    }

    /**
     * How long an exactly-once sink's producer batches, at most: its records are read only once the
     * checkpoint commits them (every consumer of the job's outputs reads committed), and the sink
     * flushes its batches when the checkpoint barrier comes, so waiting for a fuller batch delays
     * no reader. Kafka's default of 5 ms sent about one produce request per message at the bench's
     * rates, and the broker's cost is per request (each one checked against its transaction).
     */
    static final String EXACTLY_ONCE_LINGER_MS = "100";

    /** The largest batch per partition of an exactly-once sink (Kafka's default is 16 KB). */
    static final String EXACTLY_ONCE_BATCH_BYTES = "262144";

    /**
     * The producer settings of the exactly-once sinks: larger, later batches by default, then the
     * client properties ({@code cdp.kafka.properties.*}), which override them.
     */
    static Properties exactlyOnceProducerProperties(KafkaSettings kafka) {
        Properties properties = new Properties();
        properties.setProperty("linger.ms", EXACTLY_ONCE_LINGER_MS);
        properties.setProperty("batch.size", EXACTLY_ONCE_BATCH_BYTES);
        properties.putAll(kafka.clientProperties());
        return properties;
    }

    private static Properties clientProperties(KafkaSettings kafka) {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        return properties;
    }
}
