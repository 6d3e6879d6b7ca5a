package io.tessera.tools;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;

/**
 * The Flink settings of local runs (demo, replay, integration tests): those of {@code
 * flink-conf/config.yaml} that matter in one JVM, RocksDB included, and fail-fast restarts.
 */
public final class LocalJobConfig {
    /** The prefix of system properties that set Flink options of local runs. */
    static final String FLINK_PROPERTY = "flink.";

    /**
     * The managed memory of a task manager of {@code flink-conf/config.yaml} (a process of 2048m,
     * two slots), as Flink derives it: {@code LocalJobConfigTest} keeps the two equal.
     */
    static final String MANAGED_MEMORY = "635m";

    private LocalJobConfig() {}

    /**
     * RocksDB, no Kryo, explicit uids, no restarts, checkpoints at the given interval (none when
     * null: a bounded run to files needs none).
     */
    public static Configuration create(int parallelism, Duration checkpointInterval) {
        Configuration conf = new Configuration();
        conf.setString("state.backend.type", "rocksdb");
        conf.setString("pipeline.generic-types", "false");
        conf.setString("pipeline.auto-generate-uids", "false");
        conf.setString("pipeline.max-parallelism", "4096");
        conf.setString("restart-strategy.type", "none");
        conf.setString("parallelism.default", Integer.toString(parallelism));
        // as flink-conf/config.yaml: a partly filled network buffer waits 10 ms at most
        conf.setString("execution.buffer-timeout.interval", "10 ms");
        // as a task manager of flink-conf/config.yaml: RocksDB's block cache and write buffers
        // share the managed memory Flink derives from its process size, not a MiniCluster's 128 MB
        conf.setString("taskmanager.memory.managed.size", MANAGED_MEMORY);
        if (checkpointInterval != null) {
            conf.setString(
                    "execution.checkpointing.interval", checkpointInterval.toMillis() + " ms");
            // On files, as in a cluster: the job manager's memory takes 5 MB of state at most.
            // A job's checkpoints are deleted when it ends.
            conf.setString("execution.checkpointing.storage", "filesystem");
            conf.setString(
                    "execution.checkpointing.dir",
                    java.nio.file.Path.of(
                                    System.getProperty("java.io.tmpdir"), "tessera-checkpoints")
                            .toUri()
                            .toString());
            conf.setString("execution.checkpointing.incremental", "true");
            // as flink-conf/config.yaml: a barrier held back (the edge down, activation's
            // capacity full) turns unaligned after a second and overtakes the buffers
            conf.setString("execution.checkpointing.unaligned.enabled", "true");
            conf.setString("execution.checkpointing.aligned-checkpoint-timeout", "1 s");
        }
        // -Dflink.<key>=<value> in TESSERA_JAVA_OPTS sets any Flink option of a local run, e.g.
        // to measure a RocksDB setting with ./tessera bench
        System.getProperties()
                .stringPropertyNames()
                .forEach(
                        name -> {
                            if (name.startsWith(FLINK_PROPERTY)) {
                                conf.setString(
                                        name.substring(FLINK_PROPERTY.length()),
                                        System.getProperty(name));
                            }
                        });
        return conf;
    }
}
