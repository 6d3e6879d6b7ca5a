package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.TesseraConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The input of the savepoint kept for each release in src/test/resources/savepoints/VERSION: a few
 * shop customers whose state is in the middle of everything the job keeps when the savepoint is
 * taken, so that a restore can show each part came back.
 *
 * <ul>
 *   <li>alice has ordered twice (600 in revenue): traits, and a membership of high_value_recent,
 *       with wake-ups pending for the end of her 30-day window;
 *   <li>bob browsed anonymously, then logged in: his anonymous id is stitched to his user id;
 *   <li>carol has added to her cart 30 minutes before it would be abandoned: a pending sequence
 *       with a timer;
 *   <li>dave has viewed a product once: a partial repeat_viewer match.
 * </ul>
 *
 * Restoring and re-producing the same records first keeps the source offsets in step with a new
 * broker: the records are keyed, so they land on the same partitions.
 */
public final class SavepointFixture {
    /** Partitions of the events topic when the savepoint was taken. */
    public static final int EVENT_PARTITIONS = 2;

    private static final ObjectMapper JSON = new ObjectMapper();

    private SavepointFixture() {}

    /** A keyed Segment message. */
    public record Message(String key, String json) {}

    /** What the job had read when the savepoint was taken. */
    public static List<Message> before() {
        return List.of(
                order("alice", "2026-01-01T10:00:00Z", "fx-1", 300),
                order("alice", "2026-01-01T11:00:00Z", "fx-2", 300),
                new Message(
                        "anon-bob",
                        "{\"type\":\"page\",\"name\":\"Home\",\"anonymousId\":\"anon-bob\","
                                + "\"messageId\":\"fx-3\",\"timestamp\":\"2026-01-01T10:00:00Z\"}"),
                new Message(
                        "anon-bob",
                        "{\"type\":\"identify\",\"userId\":\"bob\",\"anonymousId\":\"anon-bob\","
                                + "\"messageId\":\"fx-4\",\"timestamp\":\"2026-01-01T10:05:00Z\"}"),
                track("carol", "Product Added", "2026-01-01T11:30:00Z", "fx-5", "p-9"),
                track("dave", "Product Viewed", "2026-01-01T11:40:00Z", "fx-6", "p-1"));
    }

    /** The job's options for the fixture: its own definitions file, as they were released. */
    public static TesseraConfig config(EmbeddedKafka kafka, Path definitions) {
        return LocalKafkaJob.config(
                kafka,
                "--cdp.kafka.starting-offsets",
                "EARLIEST",
                "--cdp.ingest.idleness",
                "1 s",
                "--definitions",
                definitions.toString());
    }

    /**
     * A new broker made ready for the job restored from a release's savepoint: its topics, the
     * records the job had read when the savepoint was taken (so the restored offsets point past
     * them), then the records that come after.
     *
     * @param release the release's folder in src/test/resources/savepoints
     * @return the job's options
     */
    public static TesseraConfig restoreOnto(EmbeddedKafka kafka, Path release, List<Message> after)
            throws Exception {
        TesseraConfig config = config(kafka, release.resolve("definitions.json"));
        LocalKafkaJob.createTopics(kafka, config, EVENT_PARTITIONS);
        send(kafka, config.kafka().eventsTopic(), before());
        send(kafka, config.kafka().eventsTopic(), after);
        return config;
    }

    /**
     * The job (RocksDB, checkpoints every 300 ms) that starts from the savepoint kept in a
     * release's folder.
     *
     * @param flink more Flink settings (a test's class path, say)
     */
    public static StreamExecutionEnvironment restoredJob(
            TesseraConfig config, Path release, int parallelism, Configuration flink)
            throws IOException {
        StreamExecutionEnvironment env =
                LocalKafkaJob.build(config, parallelism, Duration.ofMillis(300), false, null);
        Configuration restore = new Configuration(flink);
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepointOf(release).toUri().toString());
        env.configure(restore);
        return env;
    }

    /** The savepoint kept in a release's folder. */
    public static Path savepointOf(Path release) throws IOException {
        try (Stream<Path> dirs = Files.list(release)) {
            List<Path> found =
                    dirs.filter(d -> d.getFileName().toString().startsWith("savepoint-")).toList();
            if (found.size() != 1) {
                throw new IllegalStateException(
                        "expected one savepoint in " + release + ", found " + found);
            }
            return found.get(0).toAbsolutePath();
        }
    }

    /** Sends the messages, keyed, and waits for every acknowledgement. */
    public static void send(EmbeddedKafka kafka, String topic, List<Message> messages)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (Message message : messages) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            message.key().getBytes(StandardCharsets.UTF_8),
                            message.json().getBytes(StandardCharsets.UTF_8)));
        }
        kafka.send(topic, records);
    }

    /** Committed records of a topic, as JSON. */
    public static List<JsonNode> read(EmbeddedKafka kafka, String topic) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            out.add(JSON.readTree(record.value()));
        }
        return out;
    }

    /** Waits until every condition holds for some committed record of the topic. */
    @SafeVarargs
    public static void await(
            EmbeddedKafka kafka, String topic, Duration timeout, Predicate<JsonNode>... conditions)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<JsonNode> records = read(kafka, topic);
            List<Predicate<JsonNode>> missing = new ArrayList<>();
            for (Predicate<JsonNode> condition : conditions) {
                if (records.stream().noneMatch(condition)) {
                    missing.add(condition);
                }
            }
            if (missing.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        missing.size()
                                + " expected records never came on "
                                + topic
                                + ": "
                                + records);
            }
            try (var reader = kafka.committedReader(topic)) {
                reader.poll(Duration.ofMillis(TimeUnit.SECONDS.toMillis(1))); // a commit, or 1 s
            }
        }
    }

    /** True for a profile snapshot holding this user id. */
    public static boolean isUser(JsonNode profile, String user) {
        for (JsonNode id : profile.path("identifiers").path("user_id")) {
            if (id.asText().equals(user)) {
                return true;
            }
        }
        return false;
    }

    /** An order of {@code revenue}. */
    public static Message order(String user, String time, String id, int revenue) {
        return new Message(
                user,
                "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\""
                        + user
                        + "\",\"messageId\":\""
                        + id
                        + "\",\"timestamp\":\""
                        + time
                        + "\",\"properties\":{\"revenue\":"
                        + revenue
                        + "}}");
    }

    /** A track event about a product. */
    public static Message track(String user, String event, String time, String id, String product) {
        return new Message(
                user,
                "{\"type\":\"track\",\"event\":\""
                        + event
                        + "\",\"userId\":\""
                        + user
                        + "\",\"messageId\":\""
                        + id
                        + "\",\"timestamp\":\""
                        + time
                        + "\",\"properties\":{\"product_id\":\""
                        + product
                        + "\",\"category\":\"shoes\"}}");
    }
}
