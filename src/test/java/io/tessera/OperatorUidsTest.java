package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every operator of the production job carries its own explicit uid, and no uid a released
 * savepoint holds state under has gone: a savepoint maps state to operators by uid, so a missing,
 * renamed or duplicated uid breaks upgrades. The released uids are listed in {@code
 * savepoints/uids-<mode>.txt}; a new operator adds its uid there.
 */
class OperatorUidsTest {
    private static final Path RELEASED = Path.of("src/test/resources/savepoints");

    @ParameterizedTest
    @ValueSource(strings = {"single", "distributed"})
    void everyOperatorHasAUniqueUidAndNoReleasedUidIsGone(String mode) throws Exception {
        List<String> uids = uidsOfTheJob(mode);

        Set<String> seen = new TreeSet<>();
        List<String> duplicated =
                uids.stream().filter(uid -> !seen.add(uid)).collect(Collectors.toList());
        assertEquals(List.of(), duplicated, "uids used by more than one operator");

        Set<String> released =
                new TreeSet<>(Files.readAllLines(RELEASED.resolve("uids-" + mode + ".txt")));
        released.removeIf(line -> line.isBlank() || line.startsWith("#"));
        Set<String> gone = new TreeSet<>(released);
        gone.removeAll(seen);
        assertEquals(Set.of(), gone, "released uids the job no longer has (savepoints break)");
        Set<String> unlisted = new TreeSet<>(seen);
        unlisted.removeAll(released);
        assertEquals(
                Set.of(),
                unlisted,
                "new operators: add their uids to savepoints/uids-" + mode + ".txt");
    }

    /**
     * The uid of every node of the job's graph, with all stages switched on; fails on a node
     * without one.
     */
    private static List<String> uidsOfTheJob(String mode) {
        TesseraConfig config =
                TesseraConfig.from(
                        ConfigArguments.parse(
                                new String[] {
                                    "--cdp.kafka.bootstrap-servers", "127.0.0.1:9",
                                    "--cdp.identity.mode", mode,
                                    "--cdp.profile.definitions", "examples/definitions.json",
                                    "--cdp.activation.personalize.project-uid", "project",
                                    "--cdp.activation.personalize.edge-url", "http://127.0.0.1:9"
                                }));
        Configuration conf = new Configuration();
        conf.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        env.enableCheckpointing(10_000);
        Topology.build(
                env,
                config,
                TesseraJob.kafkaSources(config, false),
                TesseraJob.kafkaSinks(config.kafka(), null));
        StreamGraph graph = env.getStreamGraph();
        List<String> uids = new ArrayList<>();
        for (StreamNode node : graph.getStreamNodes()) {
            String uid = node.getTransformationUID();
            assertTrue(uid != null && !uid.isBlank(), "operator without a uid: " + node);
            uids.add(uid);
        }
        return uids;
    }
}
