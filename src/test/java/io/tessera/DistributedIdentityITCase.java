package io.tessera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.time.Duration;
import org.apache.flink.core.execution.JobClient;
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

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

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
            assertTrue(
                    KAFKA.broker().readAll(config.kafka().identityLoopTopic()).size() > 0,
                    "the merges went through the loop topic");
        } finally {
            job.cancel().get();
        }
    }
}
