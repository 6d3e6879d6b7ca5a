package io.tessera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pending sequence survives a stop-with-savepoint: the cart is filled before the stop, time
 * passes after the restore, and the profile still enters the cart abandoners.
 */
class SequenceSavepointITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static TesseraConfig config;

    @BeforeAll
    static void createTopics() throws Exception {
        config =
                LocalKafkaJob.config(
                        KAFKA.broker(),
                        "--cdp.kafka.starting-offsets",
                        "EARLIEST",
                        // One partition for two source subtasks: the idle one must not hold
                        // back the watermark for long.
                        "--cdp.ingest.idleness",
                        "1 s",
                        "--definitions",
                        "src/test/resources/acceptance/a2-definitions.json");
        LocalKafkaJob.createTopics(KAFKA.broker(), config, 1);
    }

    @Test
    @Timeout(180)
    void entersAfterARestoreInTheMiddleOfAPendingSequence(@TempDir Path savepoints)
            throws Exception {
        send(
                track("u1", "Product Added", "2025-02-01T10:00:00Z", "sp-1"),
                track("u2", "Product Viewed", "2025-02-01T10:10:00Z", "sp-2"));
        StreamExecutionEnvironment first =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null);
        JobClient running = first.executeAsync("sequence-before-savepoint");
        awaitProfiles(2);
        String savepoint =
                running.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);
        assertTrue(enteredCartAbandoners().isEmpty(), "no entry before the restore");

        send(track("u2", "Product Viewed", "2025-02-01T11:00:00Z", "sp-3"));
        StreamExecutionEnvironment restored =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null);
        org.apache.flink.configuration.Configuration fromSavepoint =
                new org.apache.flink.configuration.Configuration();
        fromSavepoint.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        restored.configure(fromSavepoint);
        JobClient resumed = restored.executeAsync("sequence-after-restore");
        List<JsonNode> entered = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (var transitions =
                KAFKA.broker().committedReader(config.kafka().audienceTransitionsTopic())) {
            while (entered.isEmpty() && System.nanoTime() < deadline) {
                transitions.poll(java.time.Duration.ofMillis(200)); // blocks until something
                entered = enteredCartAbandoners(); // commits, or 200 ms pass
            }
        }
        resumed.cancel().get(30, TimeUnit.SECONDS);

        assertTrue(
                entered.size() == 1
                        && entered.get(0).get("timestamp").asText().equals("2025-02-01T10:30:00Z"),
                entered.toString());
    }

    private static List<JsonNode> enteredCartAbandoners() throws Exception {
        List<JsonNode> entered = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                KAFKA.broker().readAll(config.kafka().audienceTransitionsTopic())) {
            JsonNode t = JSON.readTree(record.value());
            if ("Audience Entered".equals(t.get("event").asText())
                    && "cart_abandoner_30m".equals(t.at("/properties/audience_id").asText())) {
                entered.add(t);
            }
        }
        return entered;
    }

    /** Waits until the job has committed snapshots of this many profiles. */
    private static void awaitProfiles(int count) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (ConsumerRecord<byte[], byte[]> r :
                    KAFKA.broker().readAll(config.kafka().profilesTopic())) {
                ids.add(new String(r.key(), StandardCharsets.UTF_8));
            }
            if (ids.size() >= count) {
                return;
            }
            try (var profiles = KAFKA.broker().committedReader(config.kafka().profilesTopic())) {
                profiles.poll(java.time.Duration.ofMillis(200)); // blocks on the broker
            }
        }
        throw new AssertionError("the job did not process the first events in time");
    }

    private static void send(String... messages) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String message : messages) {
            records.add(
                    new ProducerRecord<>(
                            config.kafka().eventsTopic(),
                            "k".getBytes(StandardCharsets.UTF_8),
                            message.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.broker().send(config.kafka().eventsTopic(), records);
    }

    private static String track(String user, String event, String time, String id) {
        return "{\"type\":\"track\",\"event\":\""
                + event
                + "\",\"userId\":\""
                + user
                + "\",\"messageId\":\""
                + id
                + "\",\"timestamp\":\""
                + time
                + "\"}";
    }
}
