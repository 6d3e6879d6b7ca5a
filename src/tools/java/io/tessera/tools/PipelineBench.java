package io.tessera.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.TesseraConfig;
import io.tessera.activation.ActivationStage;
import io.tessera.connect.KafkaConnectors;
import io.tessera.identity.IdentityUids;
import io.tessera.identity.distributed.DistributedIdentityStage;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.IngestUids;
import io.tessera.ingest.IngestWatermarks;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.sequences.SequenceStage;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.shaded.guava33.com.google.common.hash.Hashing;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * {@code ./tessera bench}: the whole pipeline against a pass-through baseline, side by side in one
 * run over one pre-loaded traffic (quality.md), a topic of it per pipeline run. Throughput is
 * counted on the job's own outputs as they are written (read uncommitted, so the checkpoint
 * interval does not blur it); latency is measured at the Personalize simulator, from an order
 * produced to Kafka to its event at the edge.
 */
final class PipelineBench {
    static final String USAGE =
            """
            Usage: ./tessera bench [--quick] [--users N] [--events E] [--parallelism P]
                                   [--duration S] [--latency-seconds L] [--checkpoint-seconds C]
                                   [--definitions FILE] [--no-activation] [--record DIR]
                                   [--cdp.option value ...]

            Generates the shop traffic of N visitors (default 100000; --quick 1200) with a fixed
            seed: page and product views, cart adds, orders, articles, logins that merge an
            anonymous visitor into a known one, second devices, a shared kiosk, a few bad records
            and redeliveries; keeps the first E Kafka records if given. Pre-loads it on an
            in-process broker (a topic of it per pipeline run), then runs, one after the other:
              baseline      Kafka source + JSON parse -> discarding sink (run twice: the
                            first warms the JIT up and is not counted)
              single        the whole job, identity mode single
              distributed   the whole job, identity mode distributed
            each pipeline run after the same job warmed the JIT up over as many other visitors
            of its own topic (not counted), each at parallelism P (default 2) with RocksDB and checkpoints every C seconds
            (default 10, the setting of the targets; --quick 2, so outputs, which commit with
            checkpoints, show sooner), the bundled definitions (10 traits, 5 rule and 3 sequence audiences;
            --definitions FILE to measure others; --no-activation to leave Personalize out)
            and activation to the in-process Personalize simulator. Each run is measured for at
            most S seconds (default 600; --quick 90). Then, with the job still running, traffic
            is produced at half the rate it reached for L seconds (default 30; --quick 5), and
            the latency from an order produced to its event received by the simulator is
            recorded. Prints events/s over the whole run, and through its bulk (from 10 % to
            90 % of its outputs: without the job's start and the drain at its end), the ratio to
            the baseline, latency p50/p95/p99, RocksDB
            bytes per profile, the deduplication state, merges/s; writes the same as JSON and an
            SVG chart under target/bench/. The last line is a one-line summary. Job options
            (--cdp.*) apply to both pipeline runs. --record DIR writes a Java Flight Recording
            of each pipeline run's measured part (from its job's start to its figure, without
            the warm-up and the latency phase) to DIR/single.jfr and DIR/distributed.jfr: the
            JDK's profile settings, with each thread's CPU load (read them with `jfr summary`,
            `jfr print --events jdk.ThreadCPULoad`, or JDK Mission Control).
            """;

    private static final long SEED = 20251201L;
    private static final String EVENTS_TOPIC = "bench.events";

    /**
     * The topic a pipeline run reads: the same pre-loaded traffic, a topic per mode. A run's
     * latency phase writes its traffic to the topic the running job reads; a run after it on the
     * same topic read that traffic too, from the earliest offset, and its events/s, counted for the
     * pre-loaded messages only, came out lower by as much (distributed mode's, after single mode's
     * phase at half single mode's rate).
     */
    private static String eventsTopic(String mode) {
        return "single".equals(mode) ? EVENTS_TOPIC : EVENTS_TOPIC + "." + mode;
    }

    /**
     * The warm-up traffic's topic: as many visitors as the measured traffic, of their own, so the
     * pipeline's warm-up is a whole pass as the baseline's is.
     */
    private static final String WARM_UP_TOPIC = "bench.warm-up.events";

    private static final int WARM_UP_FIRST_VISITOR = 20_000_000;
    private static final String DEFINITIONS = "/bench-pipeline-definitions.json";
    private static final Instant START = Instant.parse("2025-03-01T08:00:00Z");
    private static final Duration SPAN = Duration.ofHours(2);

    /** The first visitor number of the next latency traffic: above any pre-loaded visitor. */
    private static final java.util.concurrent.atomic.AtomicInteger NEXT_VISITOR =
            new java.util.concurrent.atomic.AtomicInteger(10_000_000);

    /** Counts of the baseline's sink, by run; the MiniCluster runs in this JVM. */
    static final Map<String, AtomicLong> COUNTS = new ConcurrentHashMap<>();

    private PipelineBench() {}

    /**
     * The bulk of a run, as fractions of its outputs: its rate leaves out the job's start and the
     * drain at the end (in distributed mode, merges that wait for loop commits).
     */
    static final double BULK_FROM = 0.1;

    static final double BULK_TO = 0.9;

    /** What one run measured. */
    record Run(
            String name,
            long messages,
            double seconds,
            double eventsPerSecond,
            double bulkPerSecond,
            List<Long> latencies,
            List<Long> mergeLatencies,
            long stateBytes,
            long dedupBytes,
            long profiles,
            long merges) {
        double mergesPerSecond() {
            return seconds == 0 ? 0 : merges / seconds;
        }
    }

    private record Options(
            int users,
            int events,
            int parallelism,
            Duration duration,
            int latencySeconds,
            Duration checkpoint,
            boolean activation,
            List<String> jobArgs) {}

    static void main(String[] args, PrintStream out) throws Exception {
        long started = System.nanoTime();
        CommandLine line =
                CommandLine.parse(
                        args,
                        Set.of(
                                "users",
                                "events",
                                "parallelism",
                                "duration",
                                "latency-seconds",
                                "checkpoint-seconds",
                                "definitions",
                                "record"),
                        Set.of("quick", "no-activation"));
        boolean quick = line.has("quick");
        Options options =
                new Options(
                        line.getInt("users", quick ? 1_200 : 100_000),
                        line.getInt("events", Integer.MAX_VALUE),
                        line.getInt("parallelism", 2),
                        Duration.ofSeconds(line.getInt("duration", quick ? 90 : 600)),
                        line.getInt("latency-seconds", quick ? 5 : 30),
                        Duration.ofSeconds(line.getInt("checkpoint-seconds", quick ? 2 : 10)),
                        !line.has("no-activation"),
                        List.of(line.jobArgs()));
        if (options.users() < 1 || options.parallelism() < 1 || options.events() < 1) {
            throw new CommandLine.UsageException(
                    "--users, --events and --parallelism must be >= 1");
        }

        List<ShopTraffic.Record> traffic = ShopTraffic.generate(SEED, options.users(), START, SPAN);
        if (traffic.size() > options.events()) {
            traffic = traffic.subList(0, options.events());
        }
        long messages = traffic.stream().mapToLong(ShopTraffic.Record::messages).sum();
        out.printf(
                "Bench: %,d visitors, %,d Kafka records (%,d Segment messages), parallelism %d,"
                        + " RocksDB, checkpoints every %d s%n",
                options.users(),
                traffic.size(),
                messages,
                options.parallelism(),
                options.checkpoint().toSeconds());
        Path definitions = Files.createTempFile("tessera-bench-definitions", ".json");
        if (line.has("definitions")) {
            Files.copy(
                    Path.of(line.get("definitions", null)),
                    definitions,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } else {
            try (InputStream in = PipelineBench.class.getResourceAsStream(DEFINITIONS)) {
                Files.write(definitions, in.readAllBytes());
            }
        }
        Path record = line.has("record") ? Path.of(line.get("record", null)) : null;
        List<Run> runs = new ArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                PersonalizeSimulator simulator =
                        PersonalizeSimulator.start(
                                SimulatorConfig.load(Path.of(SimulatorCommand.DEFAULT_CONFIG)), 0);
                BenchCluster flink =
                        BenchCluster.start(options.parallelism(), options.checkpoint())) {
            kafka.createTopics(2 * options.parallelism(), EVENTS_TOPIC);
            preload(kafka, EVENTS_TOPIC, traffic);
            kafka.createTopics(2 * options.parallelism(), eventsTopic("distributed"));
            preload(kafka, eventsTopic("distributed"), traffic);
            out.printf(
                    "  pre-loaded %s and %s at %d s%n",
                    EVENTS_TOPIC, eventsTopic("distributed"), secondsSince(started));
            // the first pass-through warms the JIT up and is not counted: the baseline is short
            baseline(kafka, options, messages, "warm-up", out);
            runs.add(baseline(kafka, options, messages, "baseline", out));
            out.printf("                done at %d s%n", secondsSince(started));
            List<ShopTraffic.Record> warmUp =
                    ShopTraffic.generate(
                            SEED + 1, WARM_UP_FIRST_VISITOR, options.users(), START, SPAN);
            if (warmUp.size() > options.events()) {
                warmUp = warmUp.subList(0, options.events()); // no longer than the measured run
            }
            kafka.createTopics(2 * options.parallelism(), WARM_UP_TOPIC);
            preload(kafka, WARM_UP_TOPIC, warmUp);
            for (String mode : List.of("single", "distributed")) {
                warmUp(kafka, simulator, mode, options, definitions, out);
                runs.add(
                        pipeline(
                                kafka,
                                simulator,
                                mode,
                                options,
                                messages,
                                runs.get(0),
                                definitions,
                                record == null ? null : record.resolve(mode + ".jfr"),
                                out));
                out.printf("                done at %d s%n", secondsSince(started));
            }
        } finally {
            Files.deleteIfExists(definitions);
        }
        report(runs, options, Duration.ofNanos(System.nanoTime() - started), out);
    }

    private static long secondsSince(long nanos) {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - nanos);
    }

    private static void preload(EmbeddedKafka kafka, String topic, List<ShopTraffic.Record> traffic)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(traffic.size());
        for (ShopTraffic.Record record : traffic) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            record.key().getBytes(StandardCharsets.UTF_8),
                            record.value().getBytes(StandardCharsets.UTF_8)));
        }
        kafka.send(topic, records);
    }

    /**
     * Runs the whole job of a mode over the warm-up traffic, not counted, as the baseline's first
     * pass is not: a pipeline run otherwise pays for compiling the code of Flink, Kafka, RocksDB's
     * JNI layer, CEP and the job while it is measured (the JIT compilers took a third of the CPU of
     * a quick bench, a fifth of a full one), which a job that runs for days pays once. A warm-up of
     * 1,200 visitors (11 s) still left C2 compiling about 640 methods through a measured run of
     * 5,000: the warm-up is now as long as the run.
     */
    private static void warmUp(
            EmbeddedKafka kafka,
            PersonalizeSimulator simulator,
            String mode,
            Options options,
            Path definitions,
            PrintStream out)
            throws Exception {
        long started = System.nanoTime();
        TesseraConfig config =
                config(
                        kafka,
                        "warm-up-" + mode,
                        WARM_UP_TOPIC,
                        mode.toUpperCase(),
                        options.activation() ? simulator : null,
                        definitions,
                        options.jobArgs());
        JobClient job = start(kafka, config, options, "tessera-bench-warm-up-" + mode);
        try {
            Progress progress =
                    profileChanges(kafka, config, Duration.ofSeconds(3), options.duration(), job);
            out.printf(
                    "  %-12s  warmed up over %,d profile changes in %d s (not counted)%n",
                    mode, progress.total(), secondsSince(started));
        } finally {
            BenchCluster.cancel(job);
        }
    }

    /** Counts what passes; the count lives in this JVM, where the MiniCluster runs. */
    private static final class Count implements MapFunction<IngestRecord, IngestRecord> {
        private static final long serialVersionUID = 1L;
        private final String run;

        Count(String run) {
            this.run = run;
        }

        @Override
        public IngestRecord map(IngestRecord record) {
            COUNTS.computeIfAbsent(run, r -> new AtomicLong()).incrementAndGet();
            return record;
        }
    }

    private static Run baseline(
            EmbeddedKafka kafka, Options options, long messages, String run, PrintStream out)
            throws Exception {
        TesseraConfig config = config(kafka, run, EVENTS_TOPIC, "SINGLE", null, null, List.of());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        LocalJobConfig.create(options.parallelism(), options.checkpoint()));
        env.fromSource(
                        KafkaConnectors.eventsSource(
                                config.kafka(),
                                new SegmentMessageParser(config.ingest(), Clock.systemUTC()),
                                false),
                        IngestWatermarks.strategy(config.ingest()),
                        IngestUids.SOURCE_NAME)
                .uid(IngestUids.SOURCE)
                .map(new Count(run))
                .uid("bench-count")
                .sinkTo(new DiscardingSink<>())
                .uid("bench-discard");
        JobClient job = env.executeAsync("tessera-bench-" + run);
        try {
            AtomicLong count = COUNTS.computeIfAbsent(run, r -> new AtomicLong());
            // a pass-through that has not counted for a second is done
            Progress progress = measure(count::get, Duration.ofSeconds(1), options.duration());
            double seconds = progress.seconds();
            double bulk = progress.rateBetween(BULK_FROM, BULK_TO, messages);
            out.printf(
                    "  %-12s  %,10.0f events/s, %,.0f through the bulk%n",
                    run, messages / seconds, bulk);
            return new Run(
                    run,
                    messages,
                    seconds,
                    messages / seconds,
                    bulk,
                    List.of(),
                    List.of(),
                    0,
                    0,
                    0,
                    0);
        } finally {
            BenchCluster.cancel(job);
        }
    }

    private static Run pipeline(
            EmbeddedKafka kafka,
            PersonalizeSimulator simulator,
            String mode,
            Options options,
            long messages,
            Run baseline,
            Path definitions,
            Path recordTo,
            PrintStream out)
            throws Exception {
        TesseraConfig config =
                config(
                        kafka,
                        mode,
                        eventsTopic(mode),
                        mode.toUpperCase(),
                        options.activation() ? simulator : null,
                        definitions,
                        options.jobArgs());
        TaskTimeReporter.reset();
        RunRecording recording = recordTo == null ? null : RunRecording.start(recordTo);
        long cpuBefore = processCpuNanos();
        ThreadCpu.Reading threadsBefore = ThreadCpu.available() ? ThreadCpu.read() : null;
        JobClient job = start(kafka, config, options, "tessera-bench-" + mode);
        try {
            Progress progress =
                    profileChanges(
                            kafka, config, quiet(mode, config, options), options.duration(), job);
            long cpu = processCpuNanos() - cpuBefore;
            Map<String, Double> threads =
                    threadsBefore == null
                            ? Map.of()
                            : ThreadCpu.between(threadsBefore, ThreadCpu.read());
            if (recording != null) {
                out.printf("                recorded the run to %s%n", recording.stop());
            }
            double seconds = progress.seconds();
            double rate = messages / seconds;
            double bulk = progress.rateBetween(BULK_FROM, BULK_TO, messages);
            out.printf(
                    "  %-12s  %,10.0f events/s (%.2f x baseline), %,.0f through the bulk (%.2f"
                            + " x)%n",
                    mode,
                    rate,
                    rate / baseline.eventsPerSecond(),
                    bulk,
                    bulk / baseline.bulkPerSecond());
            out.printf(
                    "                outputs: 10 %% at %.1f s, 50 %% at %.1f s, 90 %% at %.1f s, 99"
                            + " %% at %.1f s, all at %.1f s%n",
                    progress.secondsTo(0.1),
                    progress.secondsTo(0.5),
                    progress.secondsTo(0.9),
                    progress.secondsTo(0.99),
                    progress.seconds());
            out.printf(
                    "                CPU of the bench's process (job, broker, clients): %.2f ms"
                            + " per message%n",
                    cpu / 1e6 / messages);
            printThreadTimes(out, threads, cpu / 1e9, messages);
            printTaskTimes(out, messages);

            Latencies latencies =
                    latency(
                            kafka,
                            eventsTopic(mode),
                            simulator,
                            rate / 2,
                            options.latencySeconds(),
                            quiet(mode, config, options),
                            out);
            Path savepoints = Files.createTempDirectory("tessera-bench-savepoint");
            try {
                String savepoint =
                        job.triggerSavepoint(
                                        savepoints.toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(300, TimeUnit.SECONDS);
                long[] state = stateSizes(savepoint);
                long live = liveProfiles(kafka, config.kafka().profilesTopic());
                printStateByOperator(out, savepoint, config, live);
                long merges = kafka.readAll(config.kafka().profileMergesTopic()).size();
                return new Run(
                        mode,
                        messages,
                        seconds,
                        rate,
                        bulk,
                        latencies.orders(),
                        latencies.merges(),
                        state[0],
                        state[1],
                        live,
                        merges);
            } finally {
                ReplayCommand.deleteRecursively(savepoints);
            }
        } finally {
            if (recording != null) {
                recording.close(); // written once: after a failure, what was recorded until then
            }
            BenchCluster.cancel(job);
        }
    }

    /**
     * The CPU time this process has used: the job, the in-process broker and the bench's clients.
     * Per message it measures work where events/s also measures the machine (a shared virtual
     * machine's neighbours move events/s, much less the CPU a message takes).
     */
    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Creates the run's output topics and starts its job. */
    private static JobClient start(
            EmbeddedKafka kafka, TesseraConfig config, Options options, String name)
            throws Exception {
        createOutputTopics(kafka, config);
        return LocalKafkaJob.build(config, options.parallelism(), options.checkpoint(), false, null)
                .executeAsync(name);
    }

    /** How the job's profile changes grew, read uncommitted, until quiet or the cap. */
    private static Progress profileChanges(
            EmbeddedKafka kafka, TesseraConfig config, Duration quiet, Duration cap, JobClient job)
            throws InterruptedException {
        Instant[] lastLook = {Instant.now()};
        try (KafkaConsumer<byte[], byte[]> profiles =
                kafka.uncommittedReader(config.kafka().profilesTopic())) {
            AtomicLong written = new AtomicLong();
            return measure(
                    () -> {
                        written.addAndGet(profiles.poll(Duration.ofMillis(50)).count());
                        if (Duration.between(lastLook[0], Instant.now()).toSeconds() >= 1) {
                            lastLook[0] = Instant.now();
                            requireRunning(job);
                        }
                        return written.get();
                    },
                    quiet,
                    cap);
        }
    }

    /**
     * Where each task spent the run: busy, back-pressured, idle (ms per second, averaged), and the
     * records it took in per message of the run.
     */
    /**
     * The run's CPU by kind of thread (the kernel's names, digits folded), in ms per message: where
     * the process's CPU per message goes, the JIT, the collector and RocksDB's own threads
     * included.
     */
    private static void printThreadTimes(
            PrintStream out, Map<String, Double> threads, double cpuSeconds, long messages) {
        if (threads.isEmpty()) {
            return;
        }
        out.println("                CPU by thread (ms per message)");
        double counted = 0;
        for (Map.Entry<String, Double> kind : ThreadCpu.top(threads, 14).entrySet()) {
            out.printf(
                    "                  %-22s %6.3f%n",
                    kind.getKey(), kind.getValue() * 1e3 / messages);
            counted += kind.getValue();
        }
        if (cpuSeconds - counted > 0.005 * cpuSeconds) {
            out.printf(
                    "                  %-22s %6.3f%n",
                    "(threads that ended)", (cpuSeconds - counted) * 1e3 / messages);
        }
    }

    private static void printTaskTimes(PrintStream out, long messages) {
        out.println(
                "                task                                            busy  backpr. "
                        + " idle  in/msg");
        Map<String, Long> recordsIn = TaskTimeReporter.recordsIn();
        TaskTimeReporter.means()
                .forEach(
                        (task, t) ->
                                out.printf(
                                        "                %-46.46s %6.0f %7.0f %6.0f %7.2f%n",
                                        task,
                                        t[0],
                                        t[1],
                                        t[2],
                                        recordsIn.getOrDefault(task, 0L) / (double) messages));
        out.printf(
                "                events late for a sequence audience (not matched): %,d%n",
                TaskTimeReporter.lateForSequences());
        Map<String, Long> identity = TaskTimeReporter.identityCounts();
        if (!identity.isEmpty()) {
            StringBuilder line = new StringBuilder("                identity:");
            identity.forEach((name, count) -> line.append(String.format(" %s %,d;", name, count)));
            line.setLength(line.length() - 1);
            out.println(line);
        }
    }

    /**
     * How long a run may show no progress before it counts as done: 3 s, and in distributed mode
     * also the time the protocol holds event time back (the loop allowance: 2 s for a stamped loop,
     * three checkpoint intervals for a transactional one, where a merge takes up to three loop
     * trips, each read committed). With a stamped loop it stays below the sources' idleness (30 s),
     * after which a partition that went quiet stops holding the watermark back and every profile's
     * windowed traits wake up at once: not the run's work, which single mode's window never reached
     * either.
     */
    private static Duration quiet(String mode, TesseraConfig config, Options options) {
        Duration quiet = Duration.ofSeconds(3);
        return mode.equals("distributed")
                ? quiet.plus(config.identity().loopAllowance(options.checkpoint()))
                : quiet;
    }

    /**
     * Polls a growing count until it has not grown for a while (the quiet window) or the cap
     * passed, and returns how it grew.
     */
    /** Stops the bench with the job's failure, instead of waiting for outputs that never come. */
    private static void requireRunning(JobClient job) {
        try {
            JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
            if (status.isGloballyTerminalState()) {
                job.getJobExecutionResult().get(10, TimeUnit.SECONDS);
                throw new IllegalStateException("the job ended (" + status + ") during the run");
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("the job failed during the run", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the job's status", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("the job's status did not come in 10 s", e);
        }
    }

    private static Progress measure(LongSupplier count, Duration quiet, Duration cap)
            throws InterruptedException {
        Progress progress = new Progress();
        long started = System.nanoTime();
        long last = started;
        while (System.nanoTime() - started < cap.toNanos()) {
            long seen = progress.total();
            long now = count.getAsLong();
            long at = System.nanoTime();
            progress.record(at, now);
            if (now > seen) {
                last = at;
                continue;
            } else if (seen > 0 && at - last > quiet.toNanos()) {
                break;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return progress;
    }

    /**
     * Produces new shop traffic at the given rate (Segment messages per second) for a while, and
     * returns the latencies of its orders: produced to Kafka, received by the simulator.
     */
    /**
     * The latencies of a run's latency phase, sorted: orders to the edge, logins to their merge.
     */
    record Latencies(List<Long> orders, List<Long> merges) {}

    private static Latencies latency(
            EmbeddedKafka kafka,
            String topic,
            PersonalizeSimulator simulator,
            double rate,
            int seconds,
            Duration quiet,
            PrintStream out)
            throws Exception {
        // about 9 messages per visitor. Event time goes on from the end of the pre-loaded traffic:
        // sessions start over these seconds and last a few minutes of event time. Squeezing hours
        // of it into the phase would wake up every profile's windowed traits at once and measure
        // that storm instead.
        int visitors = (int) Math.max(20, rate * seconds / 9);
        // visitors of their own, so each order pairs with its own event at the edge; the shop runs
        // the Personalize SDK, so each login has a merge call to measure
        int firstVisitor = NEXT_VISITOR.getAndAdd(visitors);
        List<ShopTraffic.Record> traffic =
                ShopTraffic.generate(
                                SEED + 1,
                                firstVisitor,
                                visitors,
                                START.plus(SPAN),
                                Duration.ofSeconds(seconds),
                                true)
                        .stream()
                        .filter(r -> r.expectedReason() == null)
                        .toList();
        long messages = traffic.stream().mapToLong(ShopTraffic.Record::messages).sum();
        long since = System.currentTimeMillis();
        AtomicLongArray sentAt = new AtomicLongArray(traffic.size());
        Thread producer =
                DemoCommand.startProducer(
                        kafka,
                        topic,
                        traffic,
                        (int) Math.max(1, Math.round(messages / Math.max(1.0, rate))),
                        new AtomicLong(),
                        sentAt);
        producer.join();
        // the run is over when the simulator has heard nothing new for a while
        measure(() -> simulator.calls().size(), quiet, Duration.ofSeconds(300));
        List<PersonalizeSimulator.Call> calls =
                simulator.calls().stream().filter(c -> c.at() >= since).toList();
        List<Long> latencies =
                new ArrayList<>(DemoPersonalize.orderLatencies(calls, traffic, sentAt));
        latencies.sort(null);
        out.printf(
                "                latency at %,.0f events/s: %s (%d orders; %,d calls)%n",
                rate, percentiles(latencies), latencies.size(), calls.size());
        List<Long> merges = new ArrayList<>(DemoPersonalize.mergeLatencies(calls, traffic, sentAt));
        merges.sort(null);
        out.printf(
                "                login -> its merge call at the edge: %s (%d logins)%n",
                merges.isEmpty() ? "no merge call" : percentiles(merges), merges.size());
        return new Latencies(latencies, merges);
    }

    private static String percentiles(List<Long> sorted) {
        if (sorted.isEmpty()) {
            return "no order reached the simulator";
        }
        return String.format(
                "p50 %d ms, p95 %d ms, p99 %d ms",
                DemoPersonalize.percentile(sorted, 0.50),
                DemoPersonalize.percentile(sorted, 0.95),
                DemoPersonalize.percentile(sorted, 0.99));
    }

    /** {whole state, deduplication state} in bytes, from a savepoint's metadata. */
    private static long[] stateSizes(String savepoint) throws IOException {
        CheckpointMetadata loaded = loadMetadata(savepoint);
        OperatorID dedup = operatorId(IngestUids.DEDUPLICATE);
        long total = 0;
        long dedupBytes = 0;
        for (OperatorState state : loaded.getOperatorStates()) {
            total += state.getStateSize();
            if (state.getOperatorID().equals(dedup)) {
                dedupBytes = state.getStateSize();
            }
        }
        return new long[] {total, dedupBytes};
    }

    /**
     * Bytes per live profile of each stateful operator, largest first, from the savepoint's
     * metadata: where the bytes of the B/profile figure are.
     */
    private static void printStateByOperator(
            PrintStream out, String savepoint, TesseraConfig config, long live) throws IOException {
        List<String> uids =
                new ArrayList<>(
                        List.of(
                                IngestUids.DEDUPLICATE,
                                IdentityUids.RESOLVE_SINGLE,
                                DistributedIdentityStage.DIRECTORY_UID,
                                DistributedIdentityStage.GATHER_UID,
                                DistributedIdentityStage.CLUSTER_UID,
                                SequenceStage.MEMBERSHIP_UID,
                                SequenceStage.PROFILE_VIEW_UID,
                                ActivationStage.PLAN_UID,
                                ActivationStage.SEND_UID));
        config.profile()
                .sequences()
                .forEach(sequence -> uids.add(SequenceStage.CEP_UID_PREFIX + sequence.id()));
        Map<OperatorID, String> byId = new HashMap<>();
        uids.forEach(uid -> byId.put(operatorId(uid), uid));
        Map<String, Long> bytes = new HashMap<>();
        for (OperatorState state : loadMetadata(savepoint).getOperatorStates()) {
            bytes.merge(
                    byId.getOrDefault(state.getOperatorID(), "(other operators)"),
                    state.getStateSize(),
                    Long::sum);
        }
        out.println("                state by operator                                 B/profile");
        bytes.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(
                        e ->
                                out.printf(
                                        "                %-46.46s %11.0f%n",
                                        e.getKey(),
                                        live == 0 ? 0.0 : (double) e.getValue() / live));
    }

    private static CheckpointMetadata loadMetadata(String savepoint) throws IOException {
        Path metadata = Path.of(java.net.URI.create(savepoint)).resolve("_metadata");
        try (DataInputStream in = new DataInputStream(Files.newInputStream(metadata))) {
            return Checkpoints.loadCheckpointMetadata(
                    in, PipelineBench.class.getClassLoader(), savepoint);
        }
    }

    /** The operator id Flink derives from a uid (a murmur3 hash of it). */
    private static OperatorID operatorId(String uid) {
        return new OperatorID(
                Hashing.murmur3_128(0)
                        .newHasher()
                        .putString(uid, StandardCharsets.UTF_8)
                        .hash()
                        .asBytes());
    }

    /** Profiles whose last snapshot on the topic is not a removal. */
    private static long liveProfiles(EmbeddedKafka kafka, String topic) {
        Map<String, Boolean> live = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            live.put(
                    new String(record.key(), StandardCharsets.UTF_8),
                    record.value() != null && record.value().length > 0);
        }
        return live.values().stream().filter(v -> v).count();
    }

    private static TesseraConfig config(
            EmbeddedKafka kafka,
            String run,
            String eventsTopic,
            String mode,
            PersonalizeSimulator simulator,
            Path definitions,
            List<String> jobArgs) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--cdp.kafka.starting-offsets",
                                "EARLIEST",
                                "--cdp.kafka.group-id",
                                "tessera-bench-" + run,
                                "--cdp.kafka.transactional-id-prefix",
                                "tessera-bench-" + run,
                                "--cdp.kafka.topics.events",
                                eventsTopic,
                                "--cdp.identity.mode",
                                mode));
        for (String output :
                List.of(
                        "events-dlq",
                        "profiles",
                        "profile-merges",
                        "rejected-links",
                        "audience-transitions",
                        "definitions",
                        "definitions-rejected",
                        "activation-dlq",
                        "identity-loop")) {
            args.addAll(List.of("--cdp.kafka.topics." + output, "bench." + run + "." + output));
        }
        if (definitions != null) {
            args.addAll(List.of("--cdp.profile.definitions", definitions.toString()));
        }
        if (simulator != null) {
            args.addAll(DemoCommand.activationArgs(simulator));
            args.addAll(List.of("--cdp.activation.rate-limit", "100000"));
        }
        args.addAll(jobArgs); // the command line's --cdp.* options win
        return LocalKafkaJob.config(kafka, args.toArray(new String[0]));
    }

    private static void createOutputTopics(EmbeddedKafka kafka, TesseraConfig config)
            throws Exception {
        var k = config.kafka();
        kafka.createTopics(
                1,
                k.eventsDlqTopic(),
                k.profilesTopic(),
                k.profileMergesTopic(),
                k.rejectedLinksTopic(),
                k.audienceTransitionsTopic(),
                k.definitionsTopic(),
                k.rejectedDefinitionsTopic(),
                k.activationDlqTopic());
        kafka.createTopics(2, k.identityLoopTopic());
    }

    private static void report(List<Run> runs, Options options, Duration took, PrintStream out)
            throws IOException {
        Run baseline = runs.get(0);
        out.println();
        out.printf(
                "%-12s %12s %8s %10s %8s %24s %12s %12s %10s %9s%n",
                "run",
                "events/s",
                "x base",
                "bulk/s",
                "x base",
                "latency p50/p95/p99 ms",
                "B/profile",
                "dedup B",
                "profiles",
                "merges/s");
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("users", options.users());
        root.put("parallelism", options.parallelism());
        root.put("checkpointSeconds", options.checkpoint().toSeconds());
        root.put("messages", baseline.messages());
        root.put("benchSeconds", took.toSeconds());
        root.put("bulkFrom", BULK_FROM);
        root.put("bulkTo", BULK_TO);
        ArrayNode array = root.putArray("runs");
        for (Run run : runs) {
            List<Long> l = run.latencies();
            String latency =
                    l.isEmpty()
                            ? "-"
                            : DemoPersonalize.percentile(l, 0.5)
                                    + " / "
                                    + DemoPersonalize.percentile(l, 0.95)
                                    + " / "
                                    + DemoPersonalize.percentile(l, 0.99);
            long perProfile = run.profiles() == 0 ? 0 : run.stateBytes() / run.profiles();
            out.printf(
                    "%-12s %,12.0f %8.2f %,10.0f %8.2f %24s %,12d %,12d %,10d %9.1f%n",
                    run.name(),
                    run.eventsPerSecond(),
                    run.eventsPerSecond() / baseline.eventsPerSecond(),
                    run.bulkPerSecond(),
                    run.bulkPerSecond() / baseline.bulkPerSecond(),
                    latency,
                    perProfile,
                    run.dedupBytes(),
                    run.profiles(),
                    run.mergesPerSecond());
            ObjectNode node = array.addObject();
            node.put("name", run.name());
            node.put("eventsPerSecond", Math.round(run.eventsPerSecond()));
            node.put("ratioToBaseline", run.eventsPerSecond() / baseline.eventsPerSecond());
            node.put("seconds", run.seconds());
            node.put("bulkEventsPerSecond", Math.round(run.bulkPerSecond()));
            node.put("bulkRatioToBaseline", run.bulkPerSecond() / baseline.bulkPerSecond());
            if (!l.isEmpty()) {
                node.put("latencyP50Ms", DemoPersonalize.percentile(l, 0.5));
                node.put("latencyP95Ms", DemoPersonalize.percentile(l, 0.95));
                node.put("latencyP99Ms", DemoPersonalize.percentile(l, 0.99));
                node.put("latencySamples", l.size());
            }
            List<Long> m = run.mergeLatencies();
            if (!m.isEmpty()) {
                node.put("mergeCallP50Ms", DemoPersonalize.percentile(m, 0.5));
                node.put("mergeCallP99Ms", DemoPersonalize.percentile(m, 0.99));
                node.put("mergeCallSamples", m.size());
            }
            node.put("stateBytes", run.stateBytes());
            node.put("bytesPerProfile", perProfile);
            node.put("dedupStateBytes", run.dedupBytes());
            node.put("profiles", run.profiles());
            node.put("mergesPerSecond", run.mergesPerSecond());
        }
        Path dir = Path.of("target", "bench");
        Files.createDirectories(dir);
        json.writerWithDefaultPrettyPrinter().writeValue(dir.resolve("bench.json").toFile(), root);
        Files.writeString(dir.resolve("bench.svg"), BenchChart.svg(runs));
        out.printf("Wrote %s and %s%n", dir.resolve("bench.json"), dir.resolve("bench.svg"));
        out.printf("The bench took %d min %02d s%n", took.toMinutes(), took.toSecondsPart());
        Run distributed = runs.get(runs.size() - 1);
        out.printf(
                "SUMMARY baseline %,.0f ev/s | single %,.0f ev/s (%.2f x; bulk %.2f x) |"
                        + " distributed %,.0f ev/s (%.2f x; bulk %.2f x) | distributed p99 %s ms"
                        + " | distributed merge call p99 %s ms%n",
                baseline.eventsPerSecond(),
                runs.get(1).eventsPerSecond(),
                runs.get(1).eventsPerSecond() / baseline.eventsPerSecond(),
                runs.get(1).bulkPerSecond() / baseline.bulkPerSecond(),
                distributed.eventsPerSecond(),
                distributed.eventsPerSecond() / baseline.eventsPerSecond(),
                distributed.bulkPerSecond() / baseline.bulkPerSecond(),
                distributed.latencies().isEmpty()
                        ? "-"
                        : String.valueOf(DemoPersonalize.percentile(distributed.latencies(), 0.99)),
                distributed.mergeLatencies().isEmpty()
                        ? "-"
                        : String.valueOf(
                                DemoPersonalize.percentile(distributed.mergeLatencies(), 0.99)));
    }
}
