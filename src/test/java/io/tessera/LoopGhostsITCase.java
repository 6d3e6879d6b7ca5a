package io.tessera;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.LoopLineageFilter;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stamped loop on Flink, with ghosts for certain: a checkpoint is taken before the merging
 * event of acceptance A6, the merge then runs through the loop (its records stamped after that
 * checkpoint), and the task manager is lost. The job restores the checkpoint and reads the failed
 * attempt's records again: the lineage filter drops them (counted), the restored attempt makes the
 * merge again, and A6 comes out as without the failure.
 */
class LoopGhostsITCase {

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @Test
    @Timeout(240)
    void theFailedAttemptsLoopRecordsAreIgnoredAfterARestore(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        try (EmbeddedKafka broker = EmbeddedKafka.start()) {
            TesseraConfig config =
                    OutputTopics.distributedIdentity(
                            broker, "--cdp.identity.loop-writes", "STAMPED");
            List<String> a6 = AcceptanceA6.messages();
            // checkpoints only when the test takes them
            var env = LocalKafkaJob.build(config, 2, Duration.ofHours(1), false, null);
            env.configure(DistributedIdentityFailureITCase.restarts());
            JobClient job = env.executeAsync("loop-ghosts");
            try {
                OutputTopics.sendSettling(broker, config, a6.subList(0, 3));
                checkpoint(flink, job);
                OutputTopics.send(broker, config, a6.get(3)); // the merging order
                OutputTopics.awaitQuietLoop(broker, config); // its merge went round the loop
                flink.terminateTaskManager(0).get(60, TimeUnit.SECONDS);
                flink.startTaskManager();
                OutputTopics.sendSettling(broker, config, a6.subList(4, a6.size()));
                AssertionError last = null;
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
                while (System.nanoTime() < deadline) {
                    checkpoint(flink, job); // outputs commit with it
                    try {
                        OutputTopics.checkAcceptanceA6(broker, config);
                        last = null;
                        break;
                    } catch (AssertionError notYet) {
                        last = notYet;
                        OutputTopics.awaitQuietLoop(broker, config);
                    }
                }
                if (last != null) {
                    throw last;
                }
                // a running job's accumulators arrive with the task managers' heartbeats: the
                // restored attempt's may not have been reported yet at the first ask
                Object ghosts = null;
                long asked = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < asked
                        && (ghosts == null || ((Number) ghosts).longValue() == 0)) {
                    ghosts =
                            job.getAccumulators()
                                    .get(30, TimeUnit.SECONDS)
                                    .get(LoopLineageFilter.GHOSTS_ACCUMULATOR);
                    if (ghosts == null || ((Number) ghosts).longValue() == 0) {
                        Thread.sleep(500);
                    }
                }
                assertTrue(
                        ghosts != null && ((Number) ghosts).longValue() > 0,
                        "the failed attempt's loop records were read again and ignored: " + ghosts);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Takes a checkpoint, again while the job is restarting. */
    private static void checkpoint(MiniCluster flink, JobClient job) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            try {
                flink.triggerCheckpoint(job.getJobID()).get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException notRunning) {
                if (System.nanoTime() > deadline) {
                    throw notRunning;
                }
                TimeUnit.MILLISECONDS.sleep(100); // the job is restarting: try again
            }
        }
    }
}
