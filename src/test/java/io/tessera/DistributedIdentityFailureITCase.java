package io.tessera;

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
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Distributed identity through a failure: the task manager is killed right after the event that
 * merges two profiles, while the merge is on its way through the loop topic; the job restarts from
 * its last checkpoint on a new one (the loop's open transactions aborted, its source back at the
 * checkpointed offsets), and acceptance A6 comes out as without the failure.
 */
class DistributedIdentityFailureITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(240)
    void aTaskManagerLostInTheMiddleOfAMergeChangesNothing(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        TesseraConfig config =
                LocalKafkaJob.config(
                        KAFKA.broker(),
                        "--cdp.kafka.starting-offsets",
                        "EARLIEST",
                        "--cdp.identity.mode",
                        "DISTRIBUTED");
        LocalKafkaJob.createTopics(KAFKA.broker(), config, 2);
        List<String> a6 = AcceptanceA6.messages();

        StreamExecutionEnvironment env =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null);
        Configuration restarts = new Configuration();
        restarts.setString("restart-strategy.type", "fixed-delay");
        restarts.setString("restart-strategy.fixed-delay.attempts", "5");
        restarts.setString("restart-strategy.fixed-delay.delay", "200 ms");
        env.configure(restarts);
        JobClient job = env.executeAsync("distributed-identity-failure");
        try {
            for (String message : a6.subList(0, 3)) {
                send(config, message);
                awaitQuiet(config);
            }
            send(config, a6.get(3)); // the order that merges the second device's profile
            flink.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            flink.startTaskManager();
            awaitQuiet(config);
            for (String message : a6.subList(4, a6.size())) {
                send(config, message);
                awaitQuiet(config);
            }
            AssertionError last = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline) {
                try {
                    AcceptanceA6.check(
                            compacted(config.kafka().profilesTopic()),
                            values(config.kafka().profileMergesTopic()),
                            values(config.kafka().rejectedLinksTopic()),
                            values(config.kafka().eventsDlqTopic()));
                    return;
                } catch (AssertionError notYet) {
                    last = notYet;
                    awaitQuiet(config);
                }
            }
            throw last;
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    private static void send(TesseraConfig config, String message) throws Exception {
        KAFKA.broker()
                .send(
                        config.kafka().eventsTopic(),
                        List.of(
                                new ProducerRecord<>(
                                        config.kafka().eventsTopic(),
                                        "ann".getBytes(StandardCharsets.UTF_8),
                                        message.getBytes(StandardCharsets.UTF_8))));
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
