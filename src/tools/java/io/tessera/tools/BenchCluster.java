package io.tessera.tools;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

/**
 * One Flink MiniCluster for every job of a benchmark, as a deployed task manager runs its job in a
 * process that lives for days. A local environment starts a MiniCluster of its own for each job,
 * and each loads Flink's RPC system into a class loader of its own: its code is compiled again by
 * the JIT, and the cluster's start is paid, in every job, the measured ones included. While it is
 * open, {@code StreamExecutionEnvironment.getExecutionEnvironment} submits to this cluster.
 */
final class BenchCluster implements AutoCloseable {
    /** How long a cancelled job may take to end. */
    private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(60);

    private final MiniCluster cluster;

    private BenchCluster(MiniCluster cluster) {
        this.cluster = cluster;
    }

    /**
     * Starts the cluster with the settings of local runs and the task time reporter, and makes it
     * the environment's.
     */
    static BenchCluster start(int parallelism, Duration checkpoint) throws Exception {
        Configuration conf = LocalJobConfig.create(parallelism, checkpoint);
        TaskTimeReporter.configuration().forEach(conf::setString);
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(parallelism)
                                .build());
        cluster.start();
        TestStreamEnvironment.setAsContext(cluster, parallelism);
        return new BenchCluster(cluster);
    }

    /**
     * Cancels a job and waits until it has ended, so that the next job finds the cluster's slots
     * free and none of this job's tasks still running.
     */
    static void cancel(JobClient job) throws Exception {
        job.cancel().get(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        long deadline = System.nanoTime() + CANCEL_TIMEOUT.toNanos();
        while (true) {
            JobStatus status = job.getJobStatus().get(CANCEL_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new TimeoutException(
                        "job " + job.getJobID() + " still " + status + " after its cancel");
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    @Override
    public void close() throws Exception {
        TestStreamEnvironment.unsetAsContext();
        cluster.close();
    }
}
