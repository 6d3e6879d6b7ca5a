package io.tessera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.config.TesseraConfig;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Distributed identity end to end (acceptance.md A6): the Directory, Gather and Cluster operators
 * on the MiniCluster at parallelism 2 with RocksDB, their merge messages through the identity loop
 * topic of a real in-process broker, written exactly-once with checkpoints every 300 ms.
 */
class DistributedIdentityITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(180)
    void stitchesAcceptanceA6ThroughTheLoop() throws Exception {
        TesseraConfig config =
                LocalKafkaJob.config(
                        KAFKA.broker(),
                        "--cdp.kafka.starting-offsets",
                        "EARLIEST",
                        "--cdp.identity.mode",
                        "DISTRIBUTED");
        LocalKafkaJob.createTopics(KAFKA.broker(), config, 2);
        JobClient job =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                        .executeAsync("distributed-identity-it");
        try {
            // The steps of A6 one after the other, each given time to settle: merges take a
            // few loop round trips, and the acceptance table reads step by step.
            for (String message : AcceptanceA6.messages()) {
                KAFKA.broker()
                        .send(
                                config.kafka().eventsTopic(),
                                List.of(
                                        new ProducerRecord<>(
                                                config.kafka().eventsTopic(),
                                                "ann".getBytes(StandardCharsets.UTF_8),
                                                message.getBytes(StandardCharsets.UTF_8))));
                awaitQuiet(config);
            }
            AssertionError last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    AcceptanceA6.check(
                            compacted(config.kafka().profilesTopic()),
                            values(config.kafka().profileMergesTopic()),
                            values(config.kafka().rejectedLinksTopic()),
                            values(config.kafka().eventsDlqTopic()));
                    assertTrue(
                            KAFKA.broker().readAll(config.kafka().identityLoopTopic()).size() > 0,
                            "the merges went through the loop topic");
                    return;
                } catch (AssertionError notYet) {
                    last = notYet;
                    awaitQuiet(config);
                }
            }
            throw last;
        } finally {
            job.cancel().get();
        }
    }

    /**
     * Waits until no new record is committed to the loop topic for two seconds (several
     * checkpoints): the merges of the last step have gone round. Blocks on the broker, not on a
     * timer.
     */
    private static void awaitQuiet(TesseraConfig config) {
        try (KafkaConsumer<byte[], byte[]> loop =
                KAFKA.broker().committedReader(config.kafka().identityLoopTopic())) {
            int quiet = 0;
            while (quiet < 4) {
                quiet = loop.poll(Duration.ofMillis(500)).isEmpty() ? quiet + 1 : 0;
            }
        }
    }

    private static Map<String, JsonNode> compacted(String topic) throws Exception {
        Map<String, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(topic)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, JSON.readTree(record.value()));
            }
        }
        return latest;
    }

    private static List<JsonNode> values(String topic) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(topic)) {
            values.add(JSON.readTree(record.value()));
        }
        return values;
    }
}
