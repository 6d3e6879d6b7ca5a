package io.tessera;

import io.tessera.identity.IdentityOptions;
import io.tessera.tools.EmbeddedKafka;
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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Distributed identity across an upgrade: stopped with a savepoint while a merge is on its way
 * through the loop topic, restored at another parallelism, and acceptance A6 still holds; also when
 * the upgrade switches the loop from transactional to stamped writes, or back.
 */
class DistributedIdentitySavepointITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @ParameterizedTest(name = "loop {0}, then {1}")
    @CsvSource({"STAMPED, STAMPED", "TRANSACTIONAL, STAMPED", "STAMPED, TRANSACTIONAL"})
    @Timeout(240)
    void aMergeInFlightAtASavepointCompletesAfterARestoreAtAnotherParallelism(
            IdentityOptions.LoopWrites loopBefore,
            IdentityOptions.LoopWrites loopAfter,
            @TempDir Path savepoints)
            throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            TesseraConfig config =
                    OutputTopics.distributedIdentity(
                            broker, "--cdp.identity.loop-writes", loopBefore.name());
            List<String> a6 = AcceptanceA6.messages();

            JobClient before =
                    LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                            .executeAsync("distributed-identity-before");
            OutputTopics.sendSettling(broker, config, a6.subList(0, 3));
            OutputTopics.send(
                    broker, config, a6.get(3)); // the order that merges the second device's profile
            String savepoint =
                    before.stopWithSavepoint(
                                    false,
                                    savepoints.toUri().toString(),
                                    SavepointFormatType.CANONICAL)
                            .get(60, TimeUnit.SECONDS);

            TesseraConfig upgraded =
                    OutputTopics.distributedIdentityConfig(
                            broker, "--cdp.identity.loop-writes", loopAfter.name());
            StreamExecutionEnvironment restored =
                    LocalKafkaJob.build(upgraded, 1, Duration.ofMillis(300), false, null);
            Configuration fromSavepoint = new Configuration();
            fromSavepoint.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            restored.configure(fromSavepoint);
            JobClient after = restored.executeAsync("distributed-identity-after");
            try {
                OutputTopics.awaitQuietLoop(broker, upgraded);
                OutputTopics.sendSettling(broker, upgraded, a6.subList(4, a6.size()));
                OutputTopics.awaitAcceptanceA6(broker, upgraded);
            } finally {
                after.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }
}
