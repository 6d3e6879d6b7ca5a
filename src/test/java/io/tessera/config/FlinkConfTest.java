package io.tessera.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.junit.jupiter.api.Test;

/** flink-conf/config.yaml, read by Flink's own loader, holds what operations.md requires. */
class FlinkConfTest {
    private static final Path CONF_DIR = Path.of("flink-conf");

    @Test
    void holdsTheSettingsOperationsRequires() {
        Configuration conf = GlobalConfiguration.loadConfiguration(CONF_DIR.toString());

        assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND));
        assertTrue(conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS));
        assertEquals(Duration.ofSeconds(10), conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL));
        assertEquals(
                CheckpointingMode.EXACTLY_ONCE,
                conf.get(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE));
        assertTrue(conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
        assertTrue(conf.contains(CheckpointingOptions.SAVEPOINT_DIRECTORY));
        assertEquals(
                "RETAIN_ON_CANCELLATION",
                conf.get(CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION).name());
        assertEquals("exponential-delay", conf.get(RestartStrategyOptions.RESTART_STRATEGY));
        assertFalse(conf.get(PipelineOptions.AUTO_GENERATE_UIDS));
        assertEquals(4096, conf.get(PipelineOptions.MAX_PARALLELISM));
        assertFalse(conf.get(PipelineOptions.GENERIC_TYPES));
        assertEquals("prom", conf.getString("metrics.reporters", null));
        assertEquals(
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
                conf.getString("metrics.reporter.prom.factory.class", null));
    }

    @Test
    void usesTheOnlyFileNameFlinkTwoReads() {
        assertTrue(Files.exists(CONF_DIR.resolve("config.yaml")));
        assertFalse(Files.exists(CONF_DIR.resolve("flink-conf.yaml")), "Flink 2.x ignores it");
        assertTrue(
                Files.exists(CONF_DIR.resolve("log4j-console.properties")),
                "a mounted conf dir replaces the image's log4j files");
    }
}
