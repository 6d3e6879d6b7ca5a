package io.tessera.tools;

import static io.tessera.tools.SavepointFixture.isUser;

import io.tessera.TesseraConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;

/**
 * {@code ./tessera savepoint-fixture --out DIR}: takes the savepoint a release keeps for the
 * compatibility test ({@link SavepointFixture} says what it holds).
 */
final class SavepointFixtureCommand {
    static final String USAGE =
            """
            Usage: ./tessera savepoint-fixture --out DIR [--definitions FILE]

            Runs the job (single identity mode, RocksDB, parallelism 2) on an in-process Kafka
            over the fixture's few customers, stops it with a canonical savepoint, and writes
            into DIR (which must not exist) the savepoint and the definitions it ran with
            (default examples/definitions.json). A release keeps the result in
            src/test/resources/savepoints/VERSION for SavepointCompatibilityITCase.
            """;

    private SavepointFixtureCommand() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("out", "definitions"), Set.of());
        String target = line.get("out", null);
        if (target == null) {
            throw new CommandLine.UsageException("--out is required");
        }
        Path dir = Path.of(target);
        if (Files.exists(dir)) {
            throw new CommandLine.UsageException(dir + " exists; choose a new directory");
        }
        Path definitions = Path.of(line.get("definitions", "examples/definitions.json"));
        Files.createDirectories(dir);
        Files.copy(definitions, dir.resolve("definitions.json"));

        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config = SavepointFixture.config(kafka, dir.resolve("definitions.json"));
            LocalKafkaJob.createTopics(kafka, config, SavepointFixture.EVENT_PARTITIONS);
            SavepointFixture.send(kafka, config.kafka().eventsTopic(), SavepointFixture.before());
            JobClient job =
                    LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                            .executeAsync("tessera-savepoint-fixture");
            SavepointFixture.await(
                    kafka,
                    config.kafka().profilesTopic(),
                    Duration.ofSeconds(120),
                    p -> isUser(p, "alice") && p.at("/computedTraits/orders_90d").asLong() == 2,
                    p -> isUser(p, "bob") && p.path("eventCount").asLong() == 2,
                    p -> isUser(p, "carol"),
                    p -> isUser(p, "dave"));
            Path taken = Files.createTempDirectory("tessera-fixture");
            String savepoint =
                    job.stopWithSavepoint(
                                    false, taken.toUri().toString(), SavepointFormatType.CANONICAL)
                            .get(2, TimeUnit.MINUTES);
            Path source = Path.of(java.net.URI.create(savepoint));
            Path copy = dir.resolve(source.getFileName());
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : files.toList()) {
                    Files.copy(
                            file,
                            copy.resolve(source.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            ReplayCommand.deleteRecursively(taken);
            long bytes;
            try (Stream<Path> files = Files.walk(copy)) {
                bytes =
                        files.filter(Files::isRegularFile)
                                .mapToLong(f -> f.toFile().length())
                                .sum();
            }
            out.printf("Savepoint written to %s (%,d bytes)%n", copy, bytes);
        }
    }
}
