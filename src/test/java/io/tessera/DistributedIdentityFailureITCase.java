package io.tessera;

import io.tessera.identity.IdentityOptions;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Distributed identity through a failure: the task manager is killed right after the event that
 * merges two profiles, while the merge is on its way through the loop topic; the job restarts from
 * its last checkpoint on a new one (the loop's open transactions aborted, its source back at the
 * checkpointed offsets; or, with a stamped loop, what the failed attempt wrote after the checkpoint
 * ignored as it is read again), and acceptance A6 comes out as without the failure.
 */
class DistributedIdentityFailureITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @ParameterizedTest(name = "loop {0}")
    @EnumSource(IdentityOptions.LoopWrites.class)
    @Timeout(240)
    void aTaskManagerLostInTheMiddleOfAMergeChangesNothing(
            IdentityOptions.LoopWrites loop, @InjectMiniCluster MiniCluster flink)
            throws Exception {
        // a broker per run: each starts from empty topics
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            run(loop, flink, kafka);
        }
    }

    private static void run(
            IdentityOptions.LoopWrites loop, MiniCluster flink, EmbeddedKafka broker)
            throws Exception {
        TesseraConfig config =
                OutputTopics.distributedIdentity(broker, "--cdp.identity.loop-writes", loop.name());
        List<String> a6 = AcceptanceA6.messages();

        StreamExecutionEnvironment env =
                LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null);
        env.configure(restarts());
        JobClient job = env.executeAsync("distributed-identity-failure");
        try {
            OutputTopics.sendSettling(broker, config, a6.subList(0, 3));
            OutputTopics.send(
                    broker, config, a6.get(3)); // the order that merges the second device's profile
            flink.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
            flink.startTaskManager();
            OutputTopics.awaitQuietLoop(broker, config);
            OutputTopics.sendSettling(broker, config, a6.subList(4, a6.size()));
            OutputTopics.awaitAcceptanceA6(broker, config);
        } finally {
            job.cancel().get(30, TimeUnit.SECONDS);
        }
    }

    /** A few quick restarts: the job survives the task manager it loses. */
    static Configuration restarts() {
        Configuration restarts = new Configuration();
        restarts.setString("restart-strategy.type", "fixed-delay");
        restarts.setString("restart-strategy.fixed-delay.attempts", "5");
        restarts.setString("restart-strategy.fixed-delay.delay", "200 ms");
        return restarts;
    }
}
