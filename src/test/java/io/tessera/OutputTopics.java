package io.tessera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalKafkaJob;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** What the integration tests read back from the job's topics, and how they feed it. */
final class OutputTopics {
    private static final ObjectMapper JSON = new ObjectMapper();

    private OutputTopics() {}

    /** The job's options in distributed identity mode on the broker, its topics created. */
    static TesseraConfig distributedIdentity(EmbeddedKafka kafka, String... options)
            throws Exception {
        TesseraConfig config = distributedIdentityConfig(kafka, options);
        LocalKafkaJob.createTopics(kafka, config, 2);
        return config;
    }

    /** The settings of {@link #distributedIdentity}, for topics that exist already. */
    static TesseraConfig distributedIdentityConfig(EmbeddedKafka kafka, String... options) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--cdp.kafka.starting-offsets",
                                "EARLIEST",
                                "--cdp.identity.mode",
                                "DISTRIBUTED"));
        args.addAll(List.of(options));
        return LocalKafkaJob.config(kafka, args.toArray(String[]::new));
    }

    /** What a compacted topic holds: the last value per key, tombstones removing the key. */
    static Map<String, JsonNode> compacted(EmbeddedKafka kafka, String topic) throws IOException {
        Map<String, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, JSON.readTree(record.value()));
            }
        }
        return latest;
    }

    /** Every committed value of a topic, as JSON. */
    static List<JsonNode> values(EmbeddedKafka kafka, String topic) throws IOException {
        List<JsonNode> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            values.add(JSON.readTree(record.value()));
        }
        return values;
    }

    /** One Segment message on the events topic, under one key so the broker keeps the order. */
    static void send(EmbeddedKafka kafka, TesseraConfig config, String message) throws Exception {
        kafka.send(
                config.kafka().eventsTopic(),
                List.of(
                        new ProducerRecord<>(
                                config.kafka().eventsTopic(),
                                "ann".getBytes(StandardCharsets.UTF_8),
                                message.getBytes(StandardCharsets.UTF_8))));
    }

    /** Sends the messages one at a time, each given time to settle through the loop. */
    static void sendSettling(EmbeddedKafka kafka, TesseraConfig config, List<String> messages)
            throws Exception {
        for (String message : messages) {
            send(kafka, config, message);
            awaitQuietLoop(kafka, config);
        }
    }

    /**
     * Waits until no new record is committed to the identity loop topic for two seconds (several
     * checkpoints): the merges under way have gone round. Blocks on the broker, not on a timer.
     */
    static void awaitQuietLoop(EmbeddedKafka kafka, TesseraConfig config) {
        try (KafkaConsumer<byte[], byte[]> loop =
                kafka.committedReader(config.kafka().identityLoopTopic())) {
            int quiet = 0;
            while (quiet < 4) {
                quiet = loop.poll(Duration.ofMillis(500)).isEmpty() ? quiet + 1 : 0;
            }
        }
    }

    /**
     * Checks acceptance A6 on the job's topics, again after each quiet loop until it holds or a
     * minute has passed (outputs commit with checkpoints).
     */
    static void awaitAcceptanceA6(EmbeddedKafka kafka, TesseraConfig config) throws IOException {
        AssertionError last = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                checkAcceptanceA6(kafka, config);
                return;
            } catch (AssertionError notYet) {
                last = notYet;
                awaitQuietLoop(kafka, config);
            }
        }
        throw last;
    }

    /** Checks acceptance A6 on what the job's topics hold now (committed). */
    static void checkAcceptanceA6(EmbeddedKafka kafka, TesseraConfig config) throws IOException {
        AcceptanceA6.check(
                compacted(kafka, config.kafka().profilesTopic()),
                values(kafka, config.kafka().profileMergesTopic()),
                values(kafka, config.kafka().rejectedLinksTopic()),
                values(kafka, config.kafka().eventsDlqTopic()));
    }
}
