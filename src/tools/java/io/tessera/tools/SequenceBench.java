package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.sequences.SequenceDefinition;
import io.tessera.sequences.SequenceOperatorHarness;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
            Usage: ./tessera bench sequences [--events N] [--users U] [--operators-only]

            Replays N generated shop events (default 100000) of U users (default 10000) through
            the job (local MiniCluster, RocksDB, parallelism 1) twice: without definitions (the
            baseline) and with three sequence audiences (cart abandonment, three views without
            an add, a repeated product view), and prints events/s of each (job start included).
            Then runs each sequence's CEP operator alone on RocksDB over the same events and prints
            its events/s and its state bytes per active profile; --operators-only runs only this
            part.
            """;

    private static final String[] NAMES = {
        "Product Viewed", "Product Viewed", "Product Viewed", "Product Added", "Order Completed"
    };

    private SequenceBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(args, Set.of("events", "users"), Set.of("operators-only"));
        int events = line.getInt("events", 100_000);
        int users = line.getInt("users", 10_000);
        Path dir = Files.createTempDirectory("tessera-bench");
        Path file = dir.resolve("events.jsonl");
        List<ShopEvent> workload = workload(events, users);
        Files.write(file, workload.stream().map(ShopEvent::json).toList());
        Path definitions = dir.resolve("sequences.json");
        try (var in = SequenceBench.class.getResourceAsStream("/bench-sequences.json")) {
            Files.write(definitions, in.readAllBytes());
        }
        if (line.has("operators-only")) {
            measureState(workload, sequences(definitions), out);
            return;
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
        measureState(workload, sequences(definitions), out);
    }

    private static List<SequenceDefinition> sequences(Path definitions) throws Exception {
        List<SequenceDefinition> sequences = new ArrayList<>();
        for (JsonNode definition : new ObjectMapper().readTree(definitions.toFile())) {
            sequences.add(SequenceDefinition.of(definition));
        }
        return sequences;
    }

    private interface Run {
        void run() throws Exception;
    }

    private static double eventsPerSecond(int events, Run run) throws Exception {
        long start = System.nanoTime();
        run.run();
        return events / ((System.nanoTime() - start) / 1e9);
    }

    /** One generated shop event. */
    private record ShopEvent(String name, String user, String product, long time, int index) {
        String json() {
            return "{\"type\":\"track\",\"event\":\""
                    + name
                    + "\",\"userId\":\""
                    + user
                    + "\",\"messageId\":\"b"
                    + index
                    + "\",\"properties\":{\"product_id\":\""
                    + product
                    + "\"},\"timestamp\":\""
                    + Instant.ofEpochMilli(time)
                    + "\"}";
        }

        /** As the identity stage hands it on: credited to a profile named after the user. */
        ResolvedEvent resolved() {
            return new ResolvedEvent(
                    user,
                    new CustomerEvent(
                            "b" + index,
                            "track",
                            name,
                            time,
                            List.of(new Identifier("user_id", user)),
                            null,
                            json(),
                            CustomerEvent.DEFAULT_TENANT));
        }
    }

    private static List<ShopEvent> workload(int events, int users) {
        Random random = new Random(11);
        long t0 = Instant.parse("2025-01-01T00:00:00Z").toEpochMilli();
        long span = 7L * 24 * 3600 * 1000;
        List<ShopEvent> workload = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            workload.add(
                    new ShopEvent(
                            NAMES[random.nextInt(NAMES.length)],
                            "u" + random.nextInt(users),
                            "p" + random.nextInt(50),
                            t0 + span * i / events,
                            i));
        }
        return workload;
    }

    /**
     * Each sequence's CEP operator alone on RocksDB, fed the events the job lets through to it,
     * with a watermark every 100 events; its state is measured by a full snapshot at the end,
     * before the last partial matches time out. Events/s counts every event offered (kept or
     * filtered out).
     */
    private static void measureState(
            List<ShopEvent> workload, List<SequenceDefinition> sequences, PrintStream out)
            throws Exception {
        long end = workload.get(workload.size() - 1).time();
        long longestWithin =
                sequences.stream().mapToLong(s -> s.within().toMillis()).max().orElse(0);
        long active =
                workload.stream()
                        .filter(e -> e.time() > end - longestWithin)
                        .map(ShopEvent::user)
                        .distinct()
                        .count();
        // Only the longest window (twice over) shapes the state at the end: the operators get
        // the events of that stretch, which keeps the measurement short.
        List<ShopEvent> tail =
                workload.stream().filter(e -> e.time() > end - 2 * longestWithin).toList();
        out.printf(
                "CEP operators alone (RocksDB), over the last %s of events: state at the end, per"
                        + " profile active in the last %s (%,d profiles)%n",
                Duration.ofMillis(2 * longestWithin), Duration.ofMillis(longestWithin), active);
        long totalBytes = 0;
        for (SequenceDefinition sequence : sequences) {
            try (var harness = SequenceOperatorHarness.open(sequence, IdentityBench.rocksDb())) {
                long kept = 0;
                long start = System.nanoTime();
                for (ShopEvent event : tail) {
                    ResolvedEvent reaching =
                            SequenceOperatorHarness.reaching(sequence, event.resolved());
                    if (reaching != null) {
                        harness.processElement(reaching, event.time());
                        if (++kept % 100 == 0) {
                            harness.processWatermark(event.time());
                            harness.getOutput().clear();
                        }
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                long bytes = harness.snapshot(1, end).getStateSize();
                totalBytes += bytes;
                out.printf(
                        "  %-22s %,8d of %,d events in  %,8.0f events/s  %,7.0f bytes/profile%n",
                        sequence.id(),
                        kept,
                        tail.size(),
                        tail.size() / seconds,
                        (double) bytes / active);
            }
        }
        out.printf(
                "  all three                                               %,7.0f bytes/profile%n",
                (double) totalBytes / active);
    }
}
