package io.tessera;

import static io.tessera.tools.SavepointFixture.isUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.SavepointFixture;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * State types evolve compatibly: a later release that adds a field to the profile state (the
 * largest state type) still restores the savepoint of release 0.1.0. The test compiles such a
 * release, the job's classes with one more field in {@code ProfileState}, and runs the job from
 * them (Flink's child-first user class loader, as a cluster runs a job jar), restored from the
 * stored savepoint; RocksDB migrates the profiles to the new shape and they count on.
 */
class StateEvolutionITCase {
    private static final Path RELEASE = Path.of("src/test/resources/savepoints/0.1.0");
    private static final Path STATE_SOURCE =
            Path.of("src/main/java/io/tessera/identity/ProfileState.java");

    /** Set by the evolved class when the job loads it: the job ran on the new shape. */
    private static final String LOADED = "tessera.test.evolved-profile-state";

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @Test
    @Timeout(300)
    void aProfileStateWithANewFieldRestoresTheReleasedSavepoint(@TempDir Path dir)
            throws Exception {
        Path classes = evolvedRelease(dir);
        System.clearProperty(LOADED);

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config =
                    SavepointFixture.restoreOnto(
                            kafka,
                            RELEASE,
                            List.of(
                                    SavepointFixture.order(
                                            "alice", "2026-01-01T12:10:00Z", "fx-21", 50)));

            Configuration evolved = new Configuration();
            evolved.set(PipelineOptions.CLASSPATHS, List.of(classes.toUri().toURL().toString()));
            JobClient job =
                    SavepointFixture.restoredJob(config, RELEASE, 2, evolved)
                            .executeAsync("tessera-evolved-state");
            try {
                SavepointFixture.await(
                        kafka,
                        config.kafka().profilesTopic(),
                        Duration.ofSeconds(120),
                        p ->
                                isUser(p, "alice")
                                        && p.at("/computedTraits/orders_90d").asLong() == 3
                                        && p.at("/computedTraits/revenue_90d").asDouble() == 650.0);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
        assertEquals("loaded", System.getProperty(LOADED), "the job ran on the evolved class");
    }

    /** The job's classes with a field added to ProfileState, as a later release would have. */
    private static Path evolvedRelease(Path dir) throws Exception {
        Path classes = dir.resolve("classes");
        Path compiled = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(compiled)) {
            for (Path file : files.toList()) {
                Path to = classes.resolve(compiled.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to);
                }
            }
        }
        String source = Files.readString(STATE_SOURCE);
        String declaration = "public class ProfileState {";
        assertTrue(source.contains(declaration), "the declaration to extend");
        String evolved =
                source.replace(
                        declaration,
                        declaration
                                + "\n    static { System.setProperty(\""
                                + LOADED
                                + "\", \"loaded\"); }\n"
                                + "    /** A field a later release adds. */\n"
                                + "    public String preferredStore = \"none\";\n");
        Path file = dir.resolve("src/io/tessera/identity/ProfileState.java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, evolved);

        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int status =
                javac.run(
                        null,
                        null,
                        errors,
                        "--release",
                        "17",
                        "-cp",
                        compiled
                                + java.io.File.pathSeparator
                                + System.getProperty("java.class.path"),
                        "-d",
                        classes.toString(),
                        file.toString());
        assertEquals(0, status, "the evolved class compiles: " + errors);
        return classes;
    }
}
