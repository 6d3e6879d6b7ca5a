package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.TesseraConfig;
import io.tessera.ingest.DeduplicateFunction;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./tessera demo}: the job on embedded defaults. An in-process Kafka broker, a local
 * MiniCluster with RocksDB, and generated shop traffic produced over the demo's duration; it shows
 * live progress read back from the job's output topics and ends with a summary.
 */
public final class DemoCommand {
    static final String USAGE =
            """
            Usage: ./tessera demo [--users N] [--seconds S] [--events FILE] [--follow]
                                  [--identity-mode single|distributed] [--cdp.option value ...]

            Starts an in-process Kafka broker (KRaft), the Personalize simulator and a local
            Flink MiniCluster with RocksDB (parallelism 2), produces realistic shop traffic of N
            visitors (default 300) over S seconds (default 20), with a few bad records and
            redeliveries, runs the job and prints live progress, then a summary that ends with
            a few users: their attributes in Personalize and the variants its manifest now
            serves them. It stops by itself unless --follow is given. --identity-mode picks
            how identities are stitched (cdp.identity.mode; default single).
            --events FILE plays your own Segment messages (one message or batch envelope per
            line, as `./tessera replay` reads them) into the demo first, on top of the
            generated traffic, or instead of it with --users 0: watch your events reach the
            simulator, and your bad records reach cdp.events.dlq with their reasons.
            """;

    /**
     * The {@code expectedReason} of a record from the user's own file: what becomes of it is not
     * known in advance (it is counted as one outcome, and left out of the order latencies).
     */
    static final String OWN_RECORD = "own";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACCEPTED_TOPIC = "cdp.demo.accepted";
    private static final long SEED = 20251128L;
    private static final int MAX_NEWS_LINES = 8;

    /** The shop's traits and audiences, unless the command line names other definitions. */
    private static final String DEFINITIONS = "examples/shop-definitions.json";

    private DemoCommand() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(
                        args,
                        Set.of("users", "seconds", "identity-mode", "events"),
                        Set.of("follow"));
        int users = line.getInt("users", 300);
        int seconds = line.getInt("seconds", 20);
        List<ShopTraffic.Record> own =
                line.has("events") ? ownRecords(Path.of(line.get("events", null))) : List.of();
        if (users < 0 || seconds < 1 || (users == 0 && own.isEmpty())) {
            throw new CommandLine.UsageException(
                    "--seconds must be at least 1, and --users at least 1 (0 with --events FILE"
                            + " of at least one record)");
        }
        out.println("Starting Kafka (KRaft, in-process) and the Personalize simulator ...");
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                PersonalizeSimulator simulator =
                        PersonalizeSimulator.start(
                                SimulatorConfig.load(Path.of(SimulatorCommand.DEFAULT_CONFIG)),
                                0)) {
            run(
                    kafka,
                    simulator,
                    own,
                    users,
                    seconds,
                    line.has("follow"),
                    ReplayCommand.withIdentityMode(line),
                    out);
        }
    }

    /**
     * The records of the user's own file, one per non-blank line, as they are: a line that is not
     * JSON still goes to Kafka, to end as a dead letter. Keyed by the message's userId or
     * anonymousId when it has one, so one person's records keep their order in a partition.
     */
    static List<ShopTraffic.Record> ownRecords(Path file) throws java.io.IOException {
        List<ShopTraffic.Record> records = new java.util.ArrayList<>();
        for (String line : java.nio.file.Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            String key = "own";
            try {
                JsonNode message = JSON.readTree(line);
                JsonNode person =
                        message.hasNonNull("userId")
                                ? message.get("userId")
                                : message.path("anonymousId");
                if (person.isValueNode() && !person.isNull()) {
                    key = person.asText();
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException notJson) {
                // not JSON: it goes to Kafka as it is, to end as a malformed_json dead letter
            }
            records.add(new ShopTraffic.Record(key, line, 1, OWN_RECORD));
        }
        return records;
    }

    /**
     * Runs the demo on the given broker and simulator: the user's own records first, then {@code
     * users} visitors' generated traffic, over {@code seconds}.
     */
    static void run(
            EmbeddedKafka kafka,
            PersonalizeSimulator simulator,
            List<ShopTraffic.Record> own,
            int users,
            int seconds,
            boolean follow,
            String[] jobArgs,
            PrintStream out)
            throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of(jobArgs));
        if (!args.contains("--cdp.profile.definitions")) {
            args.addAll(List.of("--cdp.profile.definitions", DEFINITIONS));
        }
        if (!args.contains("--cdp.activation.personalize.project-uid")) {
            args.addAll(activationArgs(simulator));
        }
        TesseraConfig config = LocalKafkaJob.config(kafka, args.toArray(new String[0]));
        LocalKafkaJob.createTopics(kafka, config, 2);
        kafka.createTopics(1, ACCEPTED_TOPIC);
        out.printf(
                "Kafka at %s; topics %s, %s; Personalize simulator at %s%n",
                kafka.bootstrapServers(),
                config.kafka().eventsTopic(),
                config.kafka().eventsDlqTopic(),
                simulator.url());

        Instant now = Instant.now();
        List<ShopTraffic.Record> traffic = new java.util.ArrayList<>(own);
        if (users > 0) {
            traffic.addAll(
                    ShopTraffic.generate(
                            SEED, users, now.minus(Duration.ofHours(2)), Duration.ofHours(2)));
        }
        long messages =
                traffic.stream()
                        .filter(r -> r.expectedReason() == null)
                        .mapToLong(ShopTraffic.Record::messages)
                        .sum();

        StreamExecutionEnvironment env =
                LocalKafkaJob.build(
                        config,
                        2,
                        Duration.ofSeconds(1),
                        false,
                        kafka.acceptedEventsTap(ACCEPTED_TOPIC, "tessera-demo-accepted"));
        out.println(
                "Starting the Tessera job on a local Flink MiniCluster (RocksDB, parallelism 2)"
                        + " ...");
        JobClient job = env.executeAsync("tessera-demo");

        AtomicLong produced = new AtomicLong();
        AtomicLongArray sentAt = new AtomicLongArray(traffic.size());
        Thread producer =
                startProducer(
                        kafka, config.kafka().eventsTopic(), traffic, seconds, produced, sentAt);
        // Every record ends as accepted events, dropped duplicates or a dead letter.
        long expected =
                traffic.stream()
                        .mapToLong(
                                r ->
                                        r.expectedReason() == null
                                                        || "duplicate".equals(r.expectedReason())
                                                ? r.messages()
                                                : 1)
                        .sum();
        long duplicates;
        try (DemoProfileApi profileApi = DemoProfileApi.start(config, out);
                DemoOutputs outputs = new DemoOutputs(kafka, config.kafka(), ACCEPTED_TOPIC)) {
            long started = System.nanoTime();
            long producerDone = 0;
            int newsShown = 0;
            while (true) {
                TimeUnit.SECONDS.sleep(1);
                duplicates = duplicates(job);
                out.printf(
                        "[%3ds] produced %5d/%d | accepted %5d | dead letters %2d | duplicates %3d"
                                + " | profiles %4d | merges %3d | rejected links %2d"
                                + " | audience transitions %4d | Edge API calls %4d%n",
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
                        produced.get(),
                        traffic.size(),
                        outputs.accepted.get(),
                        outputs.deadLetters(),
                        duplicates,
                        outputs.profiles.size(),
                        outputs.merges.get(),
                        outputs.rejectedLinks.get(),
                        outputs.transitions.get(),
                        simulator.calls().size());
                String line;
                while ((line = outputs.news.poll()) != null) {
                    if (newsShown++ < MAX_NEWS_LINES) {
                        out.println("        " + line);
                    }
                }
                if (producer.isAlive() || follow) {
                    continue;
                }
                producerDone = producerDone == 0 ? System.nanoTime() : producerDone;
                // Counts lag the job by a checkpoint (outputs are transactional) and a heartbeat
                // (the duplicates accumulator); give up waiting after half a minute.
                long total = outputs.accepted.get() + outputs.deadLetters() + duplicates;
                boolean late = System.nanoTime() - producerDone > TimeUnit.SECONDS.toNanos(30);
                if (total >= expected || late) {
                    break;
                }
            }
            job.cancel().get();
            summary(out, config, traffic, messages, duplicates, outputs);
            DemoPersonalize.summary(out, simulator, traffic, sentAt);
            profileApi.summary(out, outputs.largestProfiles(20));
        }
    }

    private static void summary(
            PrintStream out,
            TesseraConfig config,
            List<ShopTraffic.Record> traffic,
            long messages,
            long duplicates,
            DemoOutputs outputs) {
        out.println();
        out.println("Summary");
        out.printf(
                "  Kafka records produced  %6d  (%d messages in valid records, batches included)%n",
                traffic.size(), messages);
        out.printf("  accepted events         %6d%n", outputs.accepted.get());
        out.printf(
                "  duplicates dropped      %6d  (%d redeliveries sent)%n",
                duplicates,
                traffic.stream()
                        .filter(r -> "duplicate".equals(r.expectedReason()))
                        .mapToLong(ShopTraffic.Record::messages)
                        .sum());
        out.printf(
                "  dead letters            %6d  %s%n",
                outputs.deadLetters(), outputs.deadLettersByReason);
        out.printf("  profiles                %6d%n", outputs.profiles.size());
        out.printf("  merges                  %6d%n", outputs.merges.get());
        out.printf("  rejected links          %6d%n", outputs.rejectedLinks.get());
        out.printf("  audience transitions    %6d%n", outputs.transitions.get());
        out.println();
        out.println("Audience sizes (members in " + config.kafka().profilesTopic() + "):");
        Map<String, Long> sizes = new java.util.TreeMap<>();
        config.profile().definitions().audiences().forEach(a -> sizes.put(a.id(), 0L));
        outputs.profiles
                .values()
                .forEach(
                        p ->
                                p.path("audiences")
                                        .fieldNames()
                                        .forEachRemaining(id -> sizes.merge(id, 1L, Long::sum)));
        sizes.forEach((id, size) -> out.printf("  %-22s %6d%n", id, size));
        out.println();
        out.println("The most stitched profiles (" + config.kafka().profilesTopic() + "):");
        for (JsonNode profile : outputs.largestProfiles(3)) {
            out.printf(
                    "  %s  %d events  %s%n      traits %s%n      audiences %s%n",
                    profile.get("id").asText(),
                    profile.get("eventCount").asLong(),
                    profile.get("identifiers"),
                    profile.get("computedTraits"),
                    profile.get("audiences"));
        }
        out.println("A dead letter (" + config.kafka().eventsDlqTopic() + "):");
        out.println("  " + outputs.deadLetterSample);
    }

    private static long duplicates(JobClient job) throws Exception {
        Map<String, Object> accumulators = job.getAccumulators().get(10, TimeUnit.SECONDS);
        Object value = accumulators.get(DeduplicateFunction.DUPLICATES_ACCUMULATOR);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** The job options that activate profiles in the simulator's project, orders as purchases. */
    static List<String> activationArgs(PersonalizeSimulator simulator) {
        return List.of(
                "--cdp.activation.personalize.edge-url",
                simulator.url(),
                "--cdp.activation.personalize.project-uid",
                simulator.config().projectUid(),
                "--cdp.activation.personalize.event-keys",
                "Order Completed:purchase");
    }

    static Thread startProducer(
            EmbeddedKafka kafka,
            String topic,
            List<ShopTraffic.Record> traffic,
            int seconds,
            AtomicLong produced,
            AtomicLongArray sentAt) {
        return startProducer(kafka.bootstrapServers(), topic, traffic, seconds, produced, sentAt);
    }

    /** Produces the traffic to the topic, spread evenly over {@code seconds}, in a new thread. */
    static Thread startProducer(
            String bootstrapServers,
            String topic,
            List<ShopTraffic.Record> traffic,
            int seconds,
            AtomicLong produced,
            AtomicLongArray sentAt) {
        Thread thread =
                new Thread(
                        () -> {
                            long pause =
                                    TimeUnit.SECONDS.toNanos(seconds) / Math.max(1, traffic.size());
                            try (KafkaProducer<byte[], byte[]> producer =
                                    EmbeddedKafka.producer(bootstrapServers)) {
                                long next = System.nanoTime();
                                for (int i = 0; i < traffic.size(); i++) {
                                    ShopTraffic.Record record = traffic.get(i);
                                    producer.send(
                                                    new ProducerRecord<>(
                                                            topic,
                                                            record.key()
                                                                    .getBytes(
                                                                            StandardCharsets.UTF_8),
                                                            record.value()
                                                                    .getBytes(
                                                                            StandardCharsets
                                                                                    .UTF_8)))
                                            .get();
                                    sentAt.set(i, System.currentTimeMillis());
                                    produced.incrementAndGet();
                                    next += pause;
                                    long wait = next - System.nanoTime();
                                    if (wait > 0) {
                                        TimeUnit.NANOSECONDS.sleep(wait);
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(
                                        "demo traffic could not be produced", e);
                            }
                        },
                        "demo-producer");
        thread.start();
        return thread;
    }
}
