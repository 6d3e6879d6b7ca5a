package io.tessera;

import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed identity across an upgrade: stopped with a savepoint while a merge is on its way
 * through the loop topic, restored at another parallelism, and acceptance A6 still holds.
 */
class DistributedIdentitySavepointITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(240)
    void aMergeInFlightAtASavepointCompletesAfterARestoreAtAnotherParallelism(
            @TempDir Path savepoints) throws Exception {
        TesseraConfig config = OutputTopics.distributedIdentity(KAFKA.broker());
        List<String> a6 = AcceptanceA6.messages();

        JobClient before =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                        .executeAsync("distributed-identity-before");
        OutputTopics.sendSettling(KAFKA.broker(), config, a6.subList(0, 3));
        OutputTopics.send(
                KAFKA.broker(),
                config,
                a6.get(3)); // the order that merges the second device's profile
        String savepoint =
                before.stopWithSavepoint(
                                false, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(60, TimeUnit.SECONDS);

        StreamExecutionEnvironment restored =
                LocalKafkaJob.build(config, 1, Duration.ofMillis(300), false, null);
        Configuration fromSavepoint = new Configuration();
        fromSavepoint.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        restored.configure(fromSavepoint);
        JobClient after = restored.executeAsync("distributed-identity-after");
        try {
            OutputTopics.awaitQuietLoop(KAFKA.broker(), config);
            OutputTopics.sendSettling(KAFKA.broker(), config, a6.subList(4, a6.size()));
            OutputTopics.awaitAcceptanceA6(KAFKA.broker(), config);
        } finally {
            after.cancel().get(30, TimeUnit.SECONDS);
        }
    }
}
