package io.tessera.tools;

import io.tessera.TesseraConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./tessera bench distributed}: identity throughput of the distributed mode at parallelism 1
 * and 2 against single mode on the same pre-loaded topic, and the latency of merges through the
 * loop with checkpoints every second.
 */
final class DistributedBench {
    static final String USAGE =
            """
            Usage: ./tessera bench distributed [--events N] [--visitors V] [--merges M]

            Pre-loads N merge-free events (default 100000) of V anonymous visitors (default
            10000) on an in-process broker, then runs the whole job (local MiniCluster, RocksDB,
            checkpoints every second) over them: single identity mode at parallelism 1 (the
            baseline), distributed at parallelism 1 and 2. Prints events/s of each, from the
            first committed profile snapshot to the last, and the scaling factor. Then, with the
            distributed job at parallelism 2 running, sends M events (default 40) that each link
            a visitor's anonymous id to a device seen alone before, one at a time, and prints
            the merge latency p50/p99: from the event sent to its merge committed on the merges
            topic.
            """;

    private DistributedBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(args, Set.of("events", "visitors", "merges"), Set.of());
        int events = line.getInt("events", 100_000);
        int visitors = line.getInt("visitors", 10_000);
        int merges = line.getInt("merges", 40);
        out.printf(
                "Identity through the whole job, RocksDB, checkpoints every 1 s: %d events of %d"
                        + " visitors%n",
                events, visitors);
        double single = run("SINGLE", 1, events, visitors, 0, out).eventsPerSecond();
        double p1 = run("DISTRIBUTED", 1, events, visitors, 0, out).eventsPerSecond();
        Result p2 = run("DISTRIBUTED", 2, events, visitors, merges, out);
        out.printf("  single mode, parallelism 1       %,10.0f events/s (baseline)%n", single);
        out.printf(
                "  distributed, parallelism 1       %,10.0f events/s (%.2f x)%n", p1, p1 / single);
        out.printf(
                "  distributed, parallelism 2       %,10.0f events/s (%.2f x; scaling p2/p1"
                        + " %.2f)%n",
                p2.eventsPerSecond(), p2.eventsPerSecond() / single, p2.eventsPerSecond() / p1);
        if (!p2.mergeMillis().isEmpty()) {
            List<Long> sorted = new ArrayList<>(p2.mergeMillis());
            sorted.sort(null);
            out.printf(
                    "  merge latency, parallelism 2     p50 %,d ms, p99 %,d ms (%d merges)%n",
                    sorted.get((sorted.size() - 1) / 2),
                    sorted.get((int) Math.ceil(0.99 * sorted.size()) - 1),
                    sorted.size());
        }
    }

    private record Result(double eventsPerSecond, List<Long> mergeMillis) {}

    private static Result run(
            String mode, int parallelism, int events, int visitors, int merges, PrintStream out)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config =
                    LocalKafkaJob.config(
                            kafka,
                            "--cdp.kafka.starting-offsets",
                            "EARLIEST",
                            "--cdp.identity.mode",
                            mode);
            LocalKafkaJob.createTopics(kafka, config, 2);
            Instant t0 = Instant.parse("2025-01-01T00:00:00Z");
            Random random = new Random(5);
            try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
                for (int i = 0; i < events; i++) {
                    int visitor = random.nextInt(visitors);
                    send(
                            producer,
                            config,
                            "v" + visitor,
                            "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"a"
                                    + visitor
                                    + "\",\"messageId\":\"b"
                                    + i
                                    + "\",\"timestamp\":\""
                                    + t0.plusMillis(i)
                                    + "\"}");
                }
                // a second device per merging visitor, seen alone: a profile of its own
                for (int m = 0; m < merges; m++) {
                    send(
                            producer,
                            config,
                            "d" + m,
                            "{\"type\":\"track\",\"event\":\"App Opened\","
                                    + "\"context\":{\"device\":{\"id\":\"d"
                                    + m
                                    + "\"}},\"messageId\":\"d"
                                    + m
                                    + "\",\"timestamp\":\""
                                    + t0.plusMillis(events + m)
                                    + "\"}");
                }
                producer.flush();
            }
            int snapshots = events + merges;
            JobClient job =
                    LocalKafkaJob.build(config, parallelism, Duration.ofSeconds(1), false, null)
                            .executeAsync("tessera-bench-" + mode.toLowerCase());
            try (KafkaConsumer<byte[], byte[]> profiles =
                    kafka.committedReader(config.kafka().profilesTopic())) {
                long first = 0;
                long last = 0;
                long seen = 0;
                while (seen < snapshots) {
                    for (ConsumerRecord<byte[], byte[]> record :
                            profiles.poll(Duration.ofMillis(500))) {
                        seen++;
                        last = System.nanoTime();
                        first = first == 0 ? last : first;
                    }
                }
                double eventsPerSecond = seen / Math.max(1e-3, (last - first) / 1e9);
                List<Long> latencies = merges(kafka, config, visitors, merges, t0, events);
                return new Result(eventsPerSecond, latencies);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Sends events that each link two visitors, one at a time, and times each merge. */
    private static List<Long> merges(
            EmbeddedKafka kafka,
            TesseraConfig config,
            int visitors,
            int count,
            Instant t0,
            int events)
            throws Exception {
        List<Long> latencies = new ArrayList<>();
        if (count == 0) {
            return latencies;
        }
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer();
                KafkaConsumer<byte[], byte[]> merged =
                        kafka.committedReader(config.kafka().profileMergesTopic())) {
            for (int m = 0; m < count; m++) {
                long sent = System.nanoTime();
                send(
                        producer,
                        config,
                        "m" + m,
                        "{\"type\":\"track\",\"event\":\"Signed In\",\"anonymousId\":\"a"
                                + m
                                + "\",\"context\":{\"device\":{\"id\":\"d"
                                + m
                                + "\"}},\"messageId\":\"merge"
                                + m
                                + "\",\"timestamp\":\""
                                + t0.plusMillis(2L * events + m)
                                + "\"}");
                producer.flush();
                boolean seen = false;
                long deadline = sent + TimeUnit.SECONDS.toNanos(60);
                while (!seen && System.nanoTime() < deadline) {
                    seen = !merged.poll(Duration.ofMillis(50)).isEmpty();
                }
                if (seen) {
                    latencies.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent));
                }
            }
        }
        return latencies;
    }

    private static void send(
            KafkaProducer<byte[], byte[]> producer, TesseraConfig config, String key, String value)
            throws Exception {
        producer.send(
                new ProducerRecord<>(
                        config.kafka().eventsTopic(),
                        key.getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8)));
    }
}
