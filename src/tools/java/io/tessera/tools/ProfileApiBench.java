package io.tessera.tools;

import com.sun.net.httpserver.HttpServer;
import io.tessera.TesseraConfig;
import io.tessera.profileapi.ProfileApi;
import io.tessera.profileapi.ProfileApiSettings;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * {@code ./tessera bench profile-api}: lookups per second the profile API answers from a store of
 * many profiles, against an HTTP server answering a constant; and the rate it catches up from the
 * topics, against a consumer reading the same records without storing them.
 */
final class ProfileApiBench {
    static final String USAGE =
            """
            Usage: ./tessera bench profile-api [--profiles N] [--seconds S] [--clients C] [--quick]

            Writes N profile snapshots (default 100000; 10000 with --quick) and one merge per 20
            of them to an in-process broker, then measures: a plain consumer reading them all
            (the catch-up baseline), the profile API reading them into a new store until ready;
            C clients (default 4) looking up random emails for S seconds (default 10; 5 with
            --quick) against an HTTP server answering a constant (the lookup baseline), then
            against the profile API, each twice in turn (the better run of each is printed).
            Prints records/s and lookups/s of each, with latencies.
            """;

    private static final int THREADS = 8;

    private ProfileApiBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(args, Set.of("profiles", "seconds", "clients"), Set.of("quick"));
        boolean quick = line.has("quick");
        int profiles = line.getInt("profiles", quick ? 10_000 : 100_000);
        int seconds = line.getInt("seconds", quick ? 5 : 10);
        int clients = line.getInt("clients", 4);
        if (profiles < 1 || seconds < 1 || clients < 1) {
            throw new CommandLine.UsageException(
                    "--profiles, --seconds and --clients must be at least 1");
        }
        Path store = Files.createTempDirectory("tessera-profile-api-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config = LocalKafkaJob.config(kafka);
            kafka.createTopics(
                    4, config.kafka().profilesTopic(), config.kafka().profileMergesTopic());
            long records = produce(kafka, config, profiles);
            out.printf(
                    "Profile API: %,d profile snapshots and %,d merges on %s and %s%n",
                    profiles,
                    records - profiles,
                    config.kafka().profilesTopic(),
                    config.kafka().profileMergesTopic());

            double consumed = consume(kafka, config, records);
            long started = System.nanoTime();
            try (ProfileApi api =
                    ProfileApi.start(
                            new ProfileApiSettings("127.0.0.1", 0, store, null),
                            config.kafka(),
                            config.ingest())) {
                while (!api.ready()) {
                    if (api.failure() != null) {
                        throw new IllegalStateException("the API stopped reading", api.failure());
                    }
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                double caughtUp = api.applied() / seconds(started);
                out.printf("  catch-up: consumer alone %,10.0f records/s (baseline)%n", consumed);
                out.printf(
                        "            profile API    %,10.0f records/s (%.2f x) into a new store%n",
                        caughtUp, caughtUp / consumed);

                HttpServer constant = constantServer();
                try {
                    String base = "http://127.0.0.1:" + constant.getAddress().getPort();
                    String real = "http://127.0.0.1:" + api.port();
                    load(base, profiles, clients, 1); // warm-up: class loading and JIT
                    load(real, profiles, clients, 1);
                    // each twice, alternately, the better of each: the client warms up too
                    Load baseline = load(base, profiles, clients, seconds);
                    Load lookups = load(real, profiles, clients, seconds);
                    baseline = better(baseline, load(base, profiles, clients, seconds));
                    lookups = better(lookups, load(real, profiles, clients, seconds));
                    if (lookups.failed() > 0) {
                        throw new IllegalStateException(
                                lookups.failed() + " lookups did not answer 200");
                    }
                    out.printf(
                            "  lookups:  constant answer %,10.0f /s (baseline)  p50 %.2f ms  p99"
                                    + " %.2f ms%n",
                            baseline.perSecond(), baseline.p50(), baseline.p99());
                    out.printf(
                            "            by email       %,10.0f /s (%.2f x)      p50 %.2f ms  p99"
                                    + " %.2f ms  (%d clients)%n",
                            lookups.perSecond(),
                            lookups.perSecond() / baseline.perSecond(),
                            lookups.p50(),
                            lookups.p99(),
                            clients);
                } finally {
                    constant.stop(0);
                }
            }
        } finally {
            ReplayCommand.deleteRecursively(store);
        }
    }

    /** Snapshots shaped like the job's, and a merge of every 20th into its neighbour. */
    private static long produce(EmbeddedKafka kafka, TesseraConfig config, int profiles)
            throws Exception {
        SplittableRandom random = new SplittableRandom(7);
        long records = 0;
        try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
            for (int i = 0; i < profiles; i++) {
                String id = profileId(i);
                StringBuilder audiences = new StringBuilder();
                for (String audience : List.of("buyers", "engaged_browsers", "cart_abandoners")) {
                    if (random.nextInt(3) == 0) {
                        audiences.append(audiences.isEmpty() ? "" : ",");
                        audiences
                                .append("\"")
                                .append(audience)
                                .append("\":\"2026-01-01T00:00:00Z\"");
                    }
                }
                String snapshot =
                        "{\"id\":\""
                                + id
                                + "\",\"identifiers\":{\"anonymous_id\":[\"anon-"
                                + i
                                + "\"],\"email\":[\"shopper"
                                + i
                                + "@mail.example.org\"],\"user_id\":[\"user-"
                                + i
                                + "\"]},\"firstSeen\":\"2026-01-01T00:00:00Z\",\"lastSeen\":"
                                + "\"2026-01-02T00:00:00Z\",\"eventCount\":"
                                + random.nextInt(1, 200)
                                + ",\"countsByType\":{\"page\":3,\"track\":9},\"computedTraits\":"
                                + "{\"orders\":2,\"revenue_total\":118.5,\"favorite_category\":"
                                + "\"shoes\"},\"audiences\":{"
                                + audiences
                                + "},\"traits\":{\"plan\":\"premium\"}}";
                producer.send(record(config.kafka().profilesTopic(), id, snapshot));
                records++;
                if (i % 20 == 19) {
                    String loser = profileId(i) + "-old";
                    producer.send(
                            record(
                                    config.kafka().profileMergesTopic(),
                                    loser,
                                    "{\"loser\":\"" + loser + "\",\"winner\":\"" + id + "\"}"));
                    records++;
                }
            }
            producer.flush();
        }
        return records;
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, String value) {
        return new ProducerRecord<>(
                topic,
                key.getBytes(StandardCharsets.UTF_8),
                value.getBytes(StandardCharsets.UTF_8));
    }

    private static String profileId(int i) {
        return String.format("p_%08d", i);
    }

    /** Records/s a read-committed consumer reads both topics at, storing nothing. */
    private static double consume(EmbeddedKafka kafka, TesseraConfig config, long records) {
        long started = System.nanoTime();
        long read = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                kafka.committedReader(config.kafka().profilesTopic())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic :
                    List.of(config.kafka().profilesTopic(), config.kafka().profileMergesTopic())) {
                consumer.partitionsFor(topic)
                        .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (read < records) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return read / seconds(started);
    }

    private static HttpServer constantServer() throws Exception {
        byte[] body =
                ("{\"profile\":{\"id\":\"p_00000001\",\"identifiers\":{\"email\":"
                                + "[\"shopper1@mail.example.org\"]}}}")
                        .getBytes(StandardCharsets.UTF_8);
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(THREADS));
        server.createContext(
                "/",
                exchange -> {
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                });
        server.start();
        return server;
    }

    /** Answers per second, failures, and latency percentiles in milliseconds. */
    private record Load(double perSecond, long failed, double p50, double p99) {}

    private static Load load(String base, int profiles, int clients, int seconds) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        AtomicLong answered = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<java.util.concurrent.Future<long[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int client = c;
            futures.add(
                    pool.submit(
                            () -> {
                                SplittableRandom random = new SplittableRandom(client);
                                long[] taken = new long[1 << 16];
                                int n = 0;
                                while (System.nanoTime() < until) {
                                    URI uri =
                                            URI.create(
                                                    base
                                                            + "/v1/lookup?type=email&value=shopper"
                                                            + random.nextInt(profiles)
                                                            + "%40mail.example.org");
                                    long start = System.nanoTime();
                                    HttpResponse<byte[]> response =
                                            http.send(
                                                    HttpRequest.newBuilder(uri).build(),
                                                    HttpResponse.BodyHandlers.ofByteArray());
                                    long took = System.nanoTime() - start;
                                    if (n < taken.length) {
                                        taken[n++] = took;
                                    }
                                    answered.incrementAndGet();
                                    if (response.statusCode() != 200) {
                                        failed.incrementAndGet();
                                    }
                                }
                                return Arrays.copyOf(taken, n);
                            }));
        }
        long started = System.nanoTime();
        for (var future : futures) {
            latencies.add(future.get());
        }
        double elapsed = Math.max(seconds, seconds(started));
        pool.shutdown();
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Load(
                answered.get() / elapsed,
                failed.get(),
                percentile(all, 0.50),
                percentile(all, 0.99));
    }

    private static Load better(Load a, Load b) {
        return a.perSecond() >= b.perSecond() && a.failed() <= b.failed() ? a : b;
    }

    private static double percentile(long[] sorted, double p) {
        return sorted.length == 0
                ? 0
                : sorted[(int) Math.min(sorted.length - 1, p * sorted.length)] / 1e6;
    }

    private static double seconds(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1e9;
    }
}
