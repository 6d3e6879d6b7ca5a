package io.tessera.tools;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./tessera bench sequences}: events per second through the whole job on a local MiniCluster
 * (RocksDB, parallelism 1) over a file of shop events, with three sequence audiences active,
 * against the same run without definitions.
 */
final class SequenceBench {
    static final String USAGE =
            """
            Usage: ./tessera bench sequences [--events N] [--users U]

            Replays N generated shop events (default 100000) of U users (default 10000) through
            the job (local MiniCluster, RocksDB, parallelism 1) twice: without definitions (the
            baseline) and with three sequence audiences (cart abandonment, three views without
            an add, a repeated product view), and prints events/s of each (job start included).
            """;

    private static final String[] NAMES = {
        "Product Viewed", "Product Viewed", "Product Viewed", "Product Added", "Order Completed"
    };

    private SequenceBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("events", "users"), Set.of());
        int events = line.getInt("events", 100_000);
        int users = line.getInt("users", 10_000);
        Path dir = Files.createTempDirectory("tessera-bench");
        Path file = dir.resolve("events.jsonl");
        Files.write(file, workload(events, users));
        Path definitions = dir.resolve("sequences.json");
        try (var in = SequenceBench.class.getResourceAsStream("/bench-sequences.json")) {
            Files.write(definitions, in.readAllBytes());
        }
        out.printf(
                "Job with three sequence audiences, RocksDB, parallelism 1: %d events of %d"
                        + " users%n",
                events, users);
        // A discarded first run: class loading and JIT would otherwise land on the baseline.
        ReplayCommand.run(file, dir.resolve("warm-up"), new String[0]);
        double baseline =
                eventsPerSecond(
                        events,
                        () -> ReplayCommand.run(file, dir.resolve("baseline"), new String[0]));
        double sequences =
                eventsPerSecond(
                        events,
                        () ->
                                ReplayCommand.run(
                                        file,
                                        dir.resolve("sequences"),
                                        definitions,
                                        List.of(),
                                        null,
                                        new String[0]));
        out.printf("  no definitions           %,10.0f events/s (baseline)%n", baseline);
        out.printf(
                "  3 sequence audiences     %,10.0f events/s (%.2f x)%n",
                sequences, sequences / baseline);
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double eventsPerSecond(int events, Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return events / ((System.nanoTime() - start) / 1e9);
    }

    private static List<String> workload(int events, int users) {
        Random random = new Random(11);
        Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
        long span = 7L * 24 * 3600 * 1000;
        List<String> lines = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            lines.add(
                    "{\"type\":\"track\",\"event\":\""
                            + NAMES[random.nextInt(NAMES.length)]
                            + "\",\"userId\":\"u"
                            + random.nextInt(users)
                            + "\",\"messageId\":\"b"
                            + i
                            + "\",\"properties\":{\"product_id\":\"p"
                            + random.nextInt(50)
                            + "\"},"
                            + "\"timestamp\":\""
                            + t0.plusMillis(span * i / events)
                            + "\"}");
        }
        return lines;
    }
}
