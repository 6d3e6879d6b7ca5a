package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.tools.LocalKafkaJob;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Distributed identity end to end (acceptance.md A6): the Directory, Gather and Cluster operators
 * on the MiniCluster at parallelism 2 with RocksDB, their merge messages through the identity loop
 * topic of a real in-process broker, written exactly-once with checkpoints every 300 ms.
 */
class DistributedIdentityITCase {

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setConfiguration(METRICS.addToConfiguration(new Configuration()))
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(2)
                            .build());

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(180)
    void stitchesAcceptanceA6ThroughTheLoop() throws Exception {
        TesseraConfig config = OutputTopics.distributedIdentity(KAFKA.broker());
        JobClient job =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                        .executeAsync("distributed-identity-it");
        try {
            // The steps of A6 one after the other, each given time to settle: merges take a
            // few loop round trips, and the acceptance table reads step by step.
            OutputTopics.sendSettling(KAFKA.broker(), config, AcceptanceA6.messages());
            OutputTopics.awaitAcceptanceA6(KAFKA.broker(), config);
            var loop = KAFKA.broker().readAll(config.kafka().identityLoopTopic());
            assertTrue(anyTo(loop, "CLUSTER"), "the merges went through the loop topic");
            assertTrue(anyTo(loop, "PROGRESS"), "and what the clusters settled, for their time");
            // the metrics single mode reports, reported here too
            assertEquals(1, count("identity.merges"));
            assertEquals(1, count("identity.rejectedLinks"));
            assertTrue(count("identity.profilesCreated") >= 2, "P1, and u2's own");
        } finally {
            job.cancel().get();
        }
    }

    /** Whether a record of the loop goes to the actor. */
    private static boolean anyTo(
            java.util.List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> loop,
            String actor) {
        return loop.stream()
                .anyMatch(
                        r ->
                                new String(r.key(), java.nio.charset.StandardCharsets.UTF_8)
                                        .startsWith(actor + "|"));
    }

    /** The sum over every subtask of a counter (the class runs one job). */
    private static long count(String name) {
        long sum = 0;
        for (Map.Entry<MetricGroup, Map<String, Metric>> group :
                METRICS.getMetricsByGroup().entrySet()) {
            for (Map.Entry<String, Metric> metric : group.getValue().entrySet()) {
                String identifier = group.getKey().getMetricIdentifier(metric.getKey());
                if (identifier.endsWith("." + name) && metric.getValue() instanceof Counter c) {
                    sum += c.getCount();
                }
            }
        }
        return sum;
    }
}
