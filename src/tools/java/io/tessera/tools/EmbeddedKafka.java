package io.tessera.tools;

import io.tessera.connect.JsonRecordSerializationSchema;
import io.tessera.ingest.CustomerEventJson;
import io.tessera.model.CustomerEvent;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A real Kafka broker (one combined KRaft node) inside this JVM, for the demo and the integration
 * tests; it listens on a random port of the loopback interface and deletes its data on close.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClusterTestKit cluster;

    private EmbeddedKafka(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    /** Formats and starts a broker; returns once it accepts clients. */
    public static EmbeddedKafka start() throws Exception {
        KafkaClusterTestKit cluster =
                new KafkaClusterTestKit.Builder(
                                new TestKitNodes.Builder()
                                        // The kit's default is an unreleased metadata version.
                                        .setBootstrapMetadataVersion(
                                                MetadataVersion.latestProduction())
                                        .setCombined(true)
                                        .setNumBrokerNodes(1)
                                        .setNumControllerNodes(1)
                                        .build())
                        .setConfigProp("offsets.topic.replication.factor", "1")
                        .setConfigProp("offsets.topic.num.partitions", "1")
                        .setConfigProp("transaction.state.log.replication.factor", "1")
                        .setConfigProp("transaction.state.log.min.isr", "1")
                        .setConfigProp("transaction.state.log.num.partitions", "1")
                        .setConfigProp("group.initial.rebalance.delay.ms", "0")
                        .setConfigProp("auto.create.topics.enable", "false")
                        .build();
        // The kit prints its formatting to standard output; the demo's console is for people.
        PrintStream console = System.out;
        System.setOut(new PrintStream(OutputStream.nullOutputStream()));
        try {
            cluster.format();
        } finally {
            System.setOut(console);
        }
        cluster.startup();
        cluster.waitForReadyBrokers();
        return new EmbeddedKafka(cluster);
    }

    /** The broker's bootstrap address. */
    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    /**
     * Creates topics and waits until their partition leaders serve requests: a topic whose creation
     * returned may not have its log yet, and the first records sent to it can be lost.
     */
    public void createTopics(int partitions, String... topics) throws Exception {
        createTopics(partitions, Map.of(), topics);
    }

    /** Creates topics with the given topic configs (e.g. {@code cleanup.policy=compact}). */
    public void createTopics(int partitions, Map<String, String> configs, String... topics)
            throws Exception {
        try (Admin admin = admin()) {
            List<NewTopic> newTopics = new ArrayList<>();
            for (String topic : topics) {
                newTopics.add(new NewTopic(topic, partitions, (short) 1).configs(configs));
            }
            admin.createTopics(newTopics).all().get();
            Map<TopicPartition, OffsetSpec> latest =
                    newTopics.stream()
                            .flatMap(
                                    t ->
                                            java.util.stream.IntStream.range(0, partitions)
                                                    .mapToObj(p -> new TopicPartition(t.name(), p)))
                            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest()));
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            while (true) {
                try {
                    admin.listOffsets(latest).all().get();
                    return;
                } catch (ExecutionException notReadyYet) {
                    if (System.nanoTime() > deadline) {
                        throw notReadyYet;
                    }
                    TimeUnit.MILLISECONDS.sleep(50);
                }
            }
        }
    }

    /** A producer that acknowledges every record before the next (no reordering on retry). */
    public KafkaProducer<byte[], byte[]> producer() {
        return producer(bootstrapServers());
    }

    /** The same producer for any broker (the traffic generator's). */
    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
                        1,
                        ProducerConfig.LINGER_MS_CONFIG,
                        5),
                new ByteArraySerializer(),
                new ByteArraySerializer());
    }

    /** Sends records and waits for every acknowledgement, so none is lost silently. */
    public void send(String topic, List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : records) {
                acks.add(producer.send(record));
            }
            for (java.util.concurrent.Future<?> ack : acks) {
                ack.get();
            }
        }
    }

    /** A consumer of committed records only, assigned to every partition of the topic. */
    public KafkaConsumer<byte[], byte[]> committedReader(String topic) {
        return reader(topic, "read_committed");
    }

    /**
     * A consumer that sees records as soon as they are written, before their transaction commits (a
     * benchmark's view of a job's progress), assigned to every partition of the topic.
     */
    public KafkaConsumer<byte[], byte[]> uncommittedReader(String topic) {
        return reader(topic, "read_uncommitted");
    }

    private KafkaConsumer<byte[], byte[]> reader(String topic, String isolation) {
        return reader(bootstrapServers(), topic, isolation);
    }

    private static KafkaConsumer<byte[], byte[]> reader(
            String bootstrapServers, String topic, String isolation) {
        KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        Map.of(
                                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                bootstrapServers,
                                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                                isolation,
                                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                                "earliest",
                                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                                false,
                                // a reader must keep up with a job, or it measures itself
                                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                                100_000,
                                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
                                64 * 1024 * 1024),
                        new ByteArrayDeserializer(),
                        new ByteArrayDeserializer());
        List<TopicPartition> partitions =
                consumer.partitionsFor(topic).stream()
                        .map(info -> new TopicPartition(topic, info.partition()))
                        .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    /** Every committed record of the topic, read until the end of each partition. */
    public List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        return readAll(bootstrapServers(), topic);
    }

    /** The same from any broker (a tool's view of a topic of the user's). */
    public static List<ConsumerRecord<byte[], byte[]>> readAll(
            String bootstrapServers, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                reader(bootstrapServers, topic, "read_committed")) {
            Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
            while (end.entrySet().stream()
                    .anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /**
     * An exactly-once sink of accepted events to a topic of this broker, as JSON: how the demo and
     * the tests watch the accepted events, which in production flow on to identity.
     */
    public KafkaSink<CustomerEvent> acceptedEventsTap(String topic, String transactionalIdPrefix) {
        return KafkaSink.<CustomerEvent>builder()
                .setBootstrapServers(bootstrapServers())
                .setRecordSerializer(
                        JsonRecordSerializationSchema.<CustomerEvent>keyed(
                                topic, event -> null, CustomerEventJson::toJson))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(transactionalIdPrefix)
                .setProperty("transaction.timeout.ms", "600000")
                .build();
    }

    /**
     * Stops the broker as a rolling restart does (its controller stays up, its data stays); clients
     * see it unreachable until {@link #startBroker()}.
     */
    public void stopBroker() {
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.shutdown();
            broker.awaitShutdown();
        }
    }

    /**
     * Starts a stopped broker again, on the same port with the same data; returns once it serves.
     */
    public void startBroker() throws Exception {
        for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
            broker.startup();
        }
        cluster.waitForReadyBrokers();
    }

    /** An admin client of the broker. */
    public Admin admin() {
        return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
