package io.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.ConfigArguments;
import io.tessera.TesseraConfig;
import io.tessera.connect.KafkaTopics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three ways to run Tessera agree on the settings a savepoint depends on:
 * flink-conf/config.yaml (standalone clusters and docker compose, which mounts it) and the
 * FlinkDeployments of k8s/.
 */
class ConfigAgreementTest {
    /**
     * Settings the deployments must share: state, checkpointing, the network's buffer timeout, uids
     * and key groups, metrics, and the JVM flags Flink needs on Java 17.
     */
    private static final List<ConfigOption<?>> SHARED =
            List.of(
                    StateBackendOptions.STATE_BACKEND,
                    CheckpointingOptions.INCREMENTAL_CHECKPOINTS,
                    CheckpointingOptions.CHECKPOINTING_INTERVAL,
                    CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE,
                    ExecutionOptions.BUFFER_TIMEOUT,
                    CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                    RestartStrategyOptions.RESTART_STRATEGY,
                    PipelineOptions.AUTO_GENERATE_UIDS,
                    PipelineOptions.MAX_PARALLELISM,
                    PipelineOptions.GENERIC_TYPES,
                    CoreOptions.FLINK_JVM_OPTIONS);

    /** Settings that differ by nature between a local file system and a Kubernetes cluster. */
    private static final Set<String> PER_DEPLOYMENT =
            Set.of(
                    CheckpointingOptions.CHECKPOINTS_DIRECTORY.key(),
                    CheckpointingOptions.SAVEPOINT_DIRECTORY.key());

    private static final Path COMPOSE = Path.of("docker-compose.yml");

    @ParameterizedTest
    @ValueSource(
            strings = {"k8s/base/flink-deployment.yaml", "k8s/session/flink-session-cluster.yaml"})
    void theFlinkDeploymentsMirrorFlinkConf(String manifest) throws IOException {
        Configuration conf = GlobalConfiguration.loadConfiguration("flink-conf");
        Map<String, String> raw = new HashMap<>();
        CrdSchema.YAML
                .readTree(Path.of(manifest).toFile())
                .path("spec")
                .path("flinkConfiguration")
                .fields()
                .forEachRemaining(e -> raw.put(e.getKey(), e.getValue().asText()));
        Configuration deployment = Configuration.fromMap(raw);

        for (ConfigOption<?> option : SHARED) {
            assertTrue(deployment.contains(option), manifest + " sets " + option.key());
            assertEquals(conf.get(option), deployment.get(option), option.key());
        }
        Map<String, String> local = conf.toMap();
        for (Map.Entry<String, String> setting : raw.entrySet()) {
            if (local.containsKey(setting.getKey()) && !PER_DEPLOYMENT.contains(setting.getKey())) {
                assertEquals(
                        local.get(setting.getKey()),
                        setting.getValue(),
                        manifest + ": " + setting.getKey());
            }
        }
    }

    /**
     * The task managers' JVMs give the common fork-join pool two threads at least: with one (two
     * cores or fewer), CompletableFuture runs each stage it would give the pool on a new thread,
     * and the JDK's HTTP client hands every Edge API response there.
     */
    @Test
    void taskManagersHaveACommonPoolOfTwoThreadsAtLeast() {
        Configuration conf = GlobalConfiguration.loadConfiguration("flink-conf");
        String opts = conf.toMap().getOrDefault("env.java.opts.all", "");
        java.util.regex.Matcher flag =
                java.util.regex.Pattern.compile(
                                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=(\\d+)")
                        .matcher(opts);
        assertTrue(flag.find(), "env.java.opts.all sets the common pool's parallelism");
        assertTrue(Integer.parseInt(flag.group(1)) >= 2, flag.group());
    }

    /**
     * The compose file, read as plain YAML: without anchors and merge keys, which compose
     * implementations resolve differently (a service merged from an alias that itself merges is
     * refused by some).
     */
    private static JsonNode compose() throws IOException {
        String text = Files.readString(COMPOSE);
        assertFalse(text.contains("<<:"), "no YAML merge keys in docker-compose.yml");
        return CrdSchema.YAML.readTree(text);
    }

    @Test
    void composeRunsFlinkOnFlinkConfWithNothingOverridingIt() throws IOException {
        JsonNode services = compose().path("services");
        for (String name : List.of("jobmanager", "taskmanager", "submit")) {
            JsonNode service = services.path(name);
            List<String> volumes = new ArrayList<>();
            service.path("volumes").forEach(v -> volumes.add(v.asText()));
            assertTrue(
                    volumes.stream().anyMatch(v -> v.startsWith("./flink-conf:")),
                    name + " mounts flink-conf/: " + volumes);
            assertFalse(
                    service.path("environment").has("FLINK_PROPERTIES"),
                    name + " overrides flink-conf/");
            assertFalse(
                    service.path("command").toString().contains(" -D"),
                    name + " overrides flink-conf/");
        }
        String checkpoints =
                GlobalConfiguration.loadConfiguration("flink-conf")
                        .get(CheckpointingOptions.CHECKPOINTS_DIRECTORY);
        assertTrue(checkpoints.startsWith("file:///flink-data/"), checkpoints);
        for (String name : List.of("jobmanager", "taskmanager")) {
            assertTrue(
                    services.path(name)
                            .path("volumes")
                            .toString()
                            .contains("flink-data:/flink-data"),
                    name + " shares the checkpoint volume");
        }
    }

    @Test
    void composeSubmitsTheJobWithValidOptions() throws IOException {
        String command =
                CrdSchema.YAML
                        .readTree(COMPOSE.toFile())
                        .path("services")
                        .path("submit")
                        .path("command")
                        .path(0)
                        .asText();
        assertTrue(command.contains("flink run"), command);
        List<String> args = new ArrayList<>();
        Matcher option =
                Pattern.compile("(--cdp\\.[a-z0-9.-]+)\\s+(\"[^\"]*\"|\\S+)").matcher(command);
        while (option.find()) {
            args.add(option.group(1));
            args.add(option.group(2).replace("\"", ""));
        }
        assertTrue(args.size() >= 8, args.toString());
        // Reading the bundled definitions relies on the mount /tessera/examples -> examples/.
        for (int i = 0; i < args.size(); i++) {
            args.set(i, args.get(i).replace("/tessera/examples/", "examples/"));
        }
        TesseraConfig config =
                TesseraConfig.from(ConfigArguments.parse(args.toArray(new String[0])));
        assertEquals("kafka:9092", config.kafka().bootstrapServers());
        assertTrue(config.activation().enabled(), "activation to the simulator");
    }

    @Test
    void composeCreatesTheTopicsAsTheJobChecksThem() throws IOException {
        String command =
                CrdSchema.YAML
                        .readTree(COMPOSE.toFile())
                        .path("services")
                        .path("create-topics")
                        .path("command")
                        .path(0)
                        .asText();
        Set<String> created = new java.util.TreeSet<>();
        Matcher topic =
                Pattern.compile("(cdp\\.[a-z.-]+):(\\d+):(compact|delete)").matcher(command);
        while (topic.find()) {
            created.add(topic.group(1) + ":" + topic.group(2) + ":" + topic.group(3));
        }
        Set<String> expected = new java.util.TreeSet<>();
        TesseraConfig config =
                TesseraConfig.from(
                        ConfigArguments.parse(
                                new String[] {"--cdp.kafka.bootstrap-servers", "kafka:9092"}));
        for (KafkaTopics.Topic t : KafkaTopics.of(config.kafka(), true)) {
            expected.add(
                    t.name() + ":" + t.partitions() + ":" + (t.compacted() ? "compact" : "delete"));
        }
        assertEquals(expected, created);
        assertTrue(command.contains("--config \"cleanup.policy=$$policy\""), command);
    }
}
