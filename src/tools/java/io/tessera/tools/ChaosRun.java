package io.tessera.tools;

import io.tessera.TesseraConfig;
import io.tessera.connect.KafkaSettings;
import io.tessera.identity.IdentityOptions;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One run of {@code ./tessera chaos}: its own Kafka broker, Personalize simulator and standalone
 * Flink cluster (a jobmanager, two taskmanagers of one slot each), the shaded jar submitted with
 * {@code flink run}, the traffic produced at its rate, the faults of a plan injected (none for the
 * clean run), then drained: every event read and checkpointed, every activation call answered,
 * outputs unchanged over a checkpoint. What it wrote is then read back.
 */
final class ChaosRun {
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Duration RECOVERY_LIMIT = Duration.ofMinutes(5);
    private static final Duration DRAIN_LIMIT = Duration.ofMinutes(5);

    private static final int TASK_MANAGERS = 2;

    /**
     * How to run.
     *
     * @param name the run's name in the output, e.g. {@code faults}
     * @param home its directory (cluster configuration, logs, checkpoints)
     * @param jar the shaded job jar
     * @param jobArgs the job's options besides the broker and the simulator
     * @param flink settings of the cluster on top of flink-conf/
     * @param edgeLatency how slow the edge is when it is slow
     */
    record Settings(
            String name,
            Path home,
            Path jar,
            List<String> jobArgs,
            Map<String, String> flink,
            Duration edgeLatency,
            Duration quiet) {}

    /**
     * A fault as it happened.
     *
     * @param fault the fault
     * @param at when it was injected, from the start of the traffic
     * @param recoveredIn from its end until the job ran again, a checkpoint triggered after it had
     *     completed and (for the edge) no call was left parked; null if that did not happen
     * @param note what else was seen (checkpoints failed, restarts)
     */
    record Injected(ChaosPlan.Fault fault, Duration at, Duration recoveredIn, String note) {}

    /**
     * The job's progress, once a second.
     *
     * @param at from the start of the traffic
     * @param produced records produced so far
     * @param committed events read and checkpointed by the job (its group's committed offsets)
     * @param checkpoints the checkpoint statistics
     */
    record Sample(Duration at, long produced, long committed, FlinkRest.Checkpoints checkpoints) {}

    /**
     * What came of the run.
     *
     * @param outputs what the job wrote
     * @param injected the faults injected, in order
     * @param samples the job's progress
     * @param restarts how many times the job restarted
     * @param drained whether it drained within its limit
     */
    record Result(
            ChaosOutputs outputs,
            List<Injected> injected,
            List<Sample> samples,
            long restarts,
            boolean drained) {}

    private final Settings settings;
    private final PrintStream out;
    private final List<Injected> injected = Collections.synchronizedList(new ArrayList<>());
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private volatile long trafficStart;

    private ChaosRun(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * Runs the job on the traffic, spread over {@code trafficLength}, with the plan's faults (null:
     * none), then the closing records (one per partition, past every event, so the watermark of
     * both runs ends at the same time).
     */
    static Result run(
            Settings settings,
            List<ShopTraffic.Record> traffic,
            Duration trafficLength,
            List<String> closing,
            ChaosPlan plan,
            PrintStream out)
            throws Exception {
        return new ChaosRun(settings, out).run(traffic, trafficLength, closing, plan);
    }

    private Result run(
            List<ShopTraffic.Record> traffic,
            Duration trafficLength,
            List<String> closing,
            ChaosPlan plan)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                PersonalizeSimulator simulator =
                        PersonalizeSimulator.start(
                                SimulatorConfig.load(Path.of(SimulatorCommand.DEFAULT_CONFIG)), 0);
                StandaloneFlinkCluster cluster =
                        StandaloneFlinkCluster.start(
                                settings.home(), settings.flink(), TASK_MANAGERS)) {
            List<String> args = new ArrayList<>(settings.jobArgs());
            args.addAll(List.of("--cdp.kafka.bootstrap-servers", kafka.bootstrapServers()));
            args.addAll(DemoCommand.activationArgs(simulator));
            TesseraConfig config = LocalKafkaJob.config(kafka, args.toArray(new String[0]));
            KafkaSettings topics = config.kafka();
            LocalKafkaJob.createTopics(kafka, config, 2);

            List<String> submit = new ArrayList<>(List.of("run", "-d", settings.jar().toString()));
            submit.addAll(args);
            Matcher job = JOB_ID.matcher(cluster.flink(submit.toArray(new String[0])));
            if (!job.find()) {
                throw new IllegalStateException("flink run printed no job id");
            }
            String jobId = job.group(1);
            FlinkRest rest = new FlinkRest(cluster.restUrl(), jobId);
            awaitRunning(rest, cluster);
            say("job %s runs on a jobmanager and %d taskmanagers", jobId, TASK_MANAGERS);

            AtomicLong produced = new AtomicLong();
            trafficStart = System.currentTimeMillis();
            Thread producer =
                    startProducer(
                            kafka.bootstrapServers(),
                            topics.eventsTopic(),
                            traffic,
                            trafficLength,
                            produced);
            Thread monitor = monitor(kafka, topics, rest, produced, cluster);
            List<Thread> lanes = new ArrayList<>();
            if (plan != null) {
                for (ChaosPlan.Lane planned : plan.lanes()) {
                    lanes.add(
                            lane(
                                    planned.name(),
                                    planned.faults(),
                                    kafka,
                                    simulator,
                                    cluster,
                                    rest));
                }
            }
            producer.join();
            for (Thread lane : lanes) {
                lane.join();
            }
            // After the last fault: a restore starts without a watermark (Flink does not keep
            // one), and the closing records are what moves it to the end of event time.
            sendClosing(kafka, topics.eventsTopic(), closing);
            boolean drained = drain(kafka, config, rest, simulator);
            monitor.interrupt();
            monitor.join();
            ChaosOutputs outputs = ChaosOutputs.read(kafka, topics, simulator);
            outputs.write(settings.home().resolve("outputs"));
            long restarts = rest.restarts();
            say(
                    "since the last start: %d sequence matches or exits behind the membership's"
                            + " watermark (applied at once), %d events late for a CEP operator",
                    rest.sumOfMetric("sequences.behind"), rest.sumOfMetric("sequences.lateEvents"));
            if (config.identity().mode() == IdentityOptions.IdentityMode.DISTRIBUTED) {
                say(
                        "since the last start (distributed identity): %d events held for their"
                                + " order, %d released by event time, %d links and events held"
                                + " for a new profile's founding event; %d event times still"
                                + " counted inside the protocol, %d events given up",
                        rest.sumOfMetric("identity.eventsHeldForOrder"),
                        rest.sumOfMetric("identity.eventsReleasedByEventTime"),
                        rest.sumOfMetric("identity.heldForFoundingEvent"),
                        rest.sumOfMetric("identity.eventTimesInFlight"),
                        rest.sumOfMetric("identity.eventsGivenUpInFlight"));
            }
            java.nio.file.Files.writeString(
                    settings.home().resolve("job-at-end.json"), rest.details());
            cluster.flink("cancel", jobId);
            return new Result(
                    outputs, List.copyOf(injected), List.copyOf(samples), restarts, drained);
        }
    }

    /**
     * Produces the traffic evenly over its length, in a new thread: sent without waiting for each
     * acknowledgement (one request in flight keeps a partition's order), so a slow broker delays
     * the traffic but does not thin it out; what could not be sent stops the run.
     */
    private Thread startProducer(
            String bootstrapServers,
            String topic,
            List<ShopTraffic.Record> traffic,
            Duration length,
            AtomicLong produced) {
        Thread thread =
                new Thread(
                        () -> {
                            long pause = length.toNanos() / Math.max(1, traffic.size());
                            java.util.concurrent.atomic.AtomicReference<Exception> failed =
                                    new java.util.concurrent.atomic.AtomicReference<>();
                            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>
                                    producer = EmbeddedKafka.producer(bootstrapServers)) {
                                long next = System.nanoTime();
                                for (ShopTraffic.Record record : traffic) {
                                    producer.send(
                                            new ProducerRecord<>(
                                                    topic,
                                                    record.key().getBytes(StandardCharsets.UTF_8),
                                                    record.value()
                                                            .getBytes(StandardCharsets.UTF_8)),
                                            (metadata, e) -> {
                                                if (e != null) {
                                                    failed.compareAndSet(null, e);
                                                } else {
                                                    produced.incrementAndGet();
                                                }
                                            });
                                    next += pause;
                                    long wait = next - System.nanoTime();
                                    if (wait > 0) {
                                        TimeUnit.NANOSECONDS.sleep(wait);
                                    }
                                }
                                producer.flush();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            if (failed.get() != null) {
                                throw new IllegalStateException(
                                        settings.name() + ": traffic could not be produced",
                                        failed.get());
                            }
                        },
                        "chaos-traffic");
        thread.start();
        return thread;
    }

    private void awaitRunning(FlinkRest rest, StandaloneFlinkCluster cluster) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!rest.allRunning()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the job did not start:\n" + cluster.logs());
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
    }

    /** A lane of faults, each injected after its pause, the next after it recovered. */
    private Thread lane(
            String name,
            List<ChaosPlan.Fault> faults,
            EmbeddedKafka kafka,
            PersonalizeSimulator simulator,
            StandaloneFlinkCluster cluster,
            FlinkRest rest) {
        Thread thread =
                new Thread(
                        () -> {
                            try {
                                for (ChaosPlan.Fault fault : faults) {
                                    TimeUnit.MILLISECONDS.sleep(fault.pauseBefore().toMillis());
                                    inject(fault, kafka, simulator, cluster, rest);
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(
                                        settings.name() + ": the " + name + " lane failed", e);
                            }
                        },
                        "chaos-" + name);
        thread.setUncaughtExceptionHandler(
                (t, e) -> {
                    synchronized (out) {
                        out.println(settings.name() + ": " + e);
                        e.printStackTrace(out);
                    }
                });
        thread.start();
        return thread;
    }

    private void inject(
            ChaosPlan.Fault fault,
            EmbeddedKafka kafka,
            PersonalizeSimulator simulator,
            StandaloneFlinkCluster cluster,
            FlinkRest rest)
            throws Exception {
        long failedBefore = rest.checkpoints().failed();
        long restartsBefore = rest.restarts();
        Duration at = Duration.ofMillis(System.currentTimeMillis() - trafficStart);
        say(
                "fault: %s%s for %d s",
                fault.kind().description(),
                fault.kind() == ChaosPlan.Kind.TASKMANAGER_KILLED
                                || fault.kind() == ChaosPlan.Kind.CHECKPOINT_TIMEOUT
                        ? " (taskmanager " + fault.taskManager() + ")"
                        : "",
                fault.length().toSeconds());
        switch (fault.kind()) {
            case TASKMANAGER_KILLED -> {
                cluster.killTaskManager(fault.taskManager());
                TimeUnit.MILLISECONDS.sleep(fault.length().toMillis());
                cluster.restartTaskManager(fault.taskManager());
            }
            case BROKER_RESTARTED -> {
                kafka.stopBroker();
                TimeUnit.MILLISECONDS.sleep(fault.length().toMillis());
                kafka.startBroker();
            }
            case CHECKPOINT_TIMEOUT -> {
                cluster.freezeTaskManager(fault.taskManager());
                TimeUnit.MILLISECONDS.sleep(fault.length().toMillis());
                cluster.thawTaskManager(fault.taskManager());
            }
            case EDGE_DOWN -> {
                simulator.faults().unavailableFor(fault.length());
                TimeUnit.MILLISECONDS.sleep(fault.length().toMillis());
            }
            case EDGE_SLOW -> {
                simulator.faults().latency(settings.edgeLatency());
                TimeUnit.MILLISECONDS.sleep(fault.length().toMillis());
                simulator.faults().latency(Duration.ZERO);
            }
        }
        long ended = System.currentTimeMillis();
        boolean edge =
                fault.kind() == ChaosPlan.Kind.EDGE_DOWN
                        || fault.kind() == ChaosPlan.Kind.EDGE_SLOW;
        Duration recovered = awaitRecovery(rest, ended, edge);
        long failed = rest.checkpoints().failed() - failedBefore;
        long restarted = rest.restarts() - restartsBefore;
        String note =
                (restarted > 0 ? "job restarted " + restarted + "x" : "job ran on")
                        + (failed > 0 ? ", " + failed + " checkpoint(s) failed" : "");
        injected.add(new Injected(fault, at, recovered, note));
        say(
                "fault over: %s; %s",
                recovered == null
                        ? "NOT recovered in " + RECOVERY_LIMIT.toMinutes() + " min"
                        : String.format("recovered in %.1f s", recovered.toMillis() / 1000.0),
                note);
    }

    /**
     * Waits until the job runs, a checkpoint triggered after {@code since} has completed and, after
     * a fault of the edge, no activation call is parked; null after the limit.
     */
    private static Duration awaitRecovery(FlinkRest rest, long since, boolean edge)
            throws InterruptedException {
        long deadline = since + RECOVERY_LIMIT.toMillis();
        while (System.currentTimeMillis() < deadline) {
            try {
                if (rest.allRunning()
                        && rest.checkpoints().latestTriggeredAt() >= since
                        && (!edge || rest.sumOfMetric("activation.parkedNow") == 0)) {
                    return Duration.ofMillis(System.currentTimeMillis() - since);
                }
            } catch (IOException restBusy) {
                // the jobmanager is busy restarting the job: asked again below
            }
            TimeUnit.MILLISECONDS.sleep(250);
        }
        return null;
    }

    /** Samples the job's progress every second; prints a line every ten. */
    private Thread monitor(
            EmbeddedKafka kafka,
            KafkaSettings topics,
            FlinkRest rest,
            AtomicLong produced,
            StandaloneFlinkCluster cluster) {
        Thread thread =
                new Thread(
                        () -> {
                            String group = topics.groupId();
                            try (Admin admin = kafka.admin()) {
                                long last = 0;
                                long lastMinute = 0;
                                while (!Thread.currentThread().isInterrupted()) {
                                    TimeUnit.SECONDS.sleep(1);
                                    superviseTaskManagers(cluster);
                                    Sample sample = sample(admin, group, topics, rest, produced);
                                    if (sample == null) {
                                        continue;
                                    }
                                    samples.add(sample);
                                    if (sample.at().toSeconds() / 10 > last) {
                                        last = sample.at().toSeconds() / 10;
                                        print(sample);
                                    }
                                    if (sample.at().toMinutes() > lastMinute) {
                                        lastMinute = sample.at().toMinutes();
                                        printStateByTask(rest);
                                    }
                                }
                            } catch (InterruptedException stopped) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "chaos-monitor");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /**
     * Starts again a taskmanager that stopped itself (a fatal error), as its pod would be on
     * Kubernetes, and says so: the run goes on, and the report keeps the line.
     */
    private void superviseTaskManagers(StandaloneFlinkCluster cluster) {
        try {
            cluster.restartExited()
                    .forEach(
                            (index, exitCode) ->
                                    say(
                                            "taskmanager %d exited on its own (exit code %d):"
                                                    + " started again, as Kubernetes restarts a"
                                                    + " pod's container",
                                            index, exitCode));
        } catch (IOException e) {
            throw new UncheckedIOException("a taskmanager could not be started again", e);
        }
    }

    /** Once a minute: which tasks hold the state, so a long run shows what grows. */
    private void printStateByTask(FlinkRest rest) {
        Map<String, Long> byTask;
        try {
            byTask = rest.stateByTask();
        } catch (IOException unavailable) {
            return; // the jobmanager is down: the next minute tells
        }
        if (byTask.isEmpty()) {
            return;
        }
        StringBuilder line = new StringBuilder("state by task (KB):");
        int shown = 0;
        long others = 0;
        for (Map.Entry<String, Long> task : byTask.entrySet()) {
            if (shown < 6) {
                String name = task.getKey();
                line.append(shown == 0 ? " " : " | ")
                        .append(name.length() > 28 ? name.substring(0, 28) : name)
                        .append(' ')
                        .append(task.getValue() / 1024);
                shown++;
            } else {
                others += task.getValue();
            }
        }
        if (others > 0) {
            line.append(" | others ").append(others / 1024);
        }
        say("%s", line);
    }

    private Sample sample(
            Admin admin, String group, KafkaSettings topics, FlinkRest rest, AtomicLong produced)
            throws InterruptedException {
        try {
            long committed = committed(admin, group, topics.eventsTopic());
            return new Sample(
                    Duration.ofMillis(System.currentTimeMillis() - trafficStart),
                    produced.get(),
                    committed,
                    rest.checkpoints());
        } catch (IOException
                | java.util.concurrent.ExecutionException
                | java.util.concurrent.TimeoutException unavailable) {
            return null; // the broker or the jobmanager is down: no sample this second
        }
    }

    /**
     * The checkpoints that failed before the first one completed: triggered while the job's tasks
     * were still starting, they are not failures of the run.
     */
    static long startupFailures(List<Sample> samples) {
        synchronized (samples) {
            for (Sample sample : samples) {
                if (sample.checkpoints().completed() > 0) {
                    return sample.checkpoints().failed();
                }
            }
        }
        return 0;
    }

    private void print(Sample sample) {
        Sample earlier = null;
        synchronized (samples) {
            for (Sample s : samples) {
                if (s.at().toSeconds() <= sample.at().toSeconds() - 10) {
                    earlier = s;
                }
            }
        }
        long rate =
                earlier == null
                        ? sample.committed() / Math.max(1, sample.at().toSeconds())
                        : (sample.committed() - earlier.committed())
                                * 1000
                                / Math.max(1, sample.at().minus(earlier.at()).toMillis());
        FlinkRest.Checkpoints c = sample.checkpoints();
        say(
                "produced %6d | job %4d events/s checkpointed | checkpoints %3d done, %d failed,"
                        + " last %5d ms | state %6.1f MB",
                sample.produced(),
                rate,
                c.completed(),
                c.failed() - startupFailures(samples),
                c.latestDurationMs(),
                c.latestStateBytes() / 1e6);
    }

    /** Events the job read and checkpointed: its group's committed offsets. */
    private static long committed(Admin admin, String group, String topic)
            throws java.util.concurrent.ExecutionException,
                    InterruptedException,
                    java.util.concurrent.TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> offsets =
                admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
        return offsets.entrySet().stream()
                .filter(e -> e.getKey().topic().equals(topic) && e.getValue() != null)
                .mapToLong(e -> e.getValue().offset())
                .sum();
    }

    private static long endOffsets(Admin admin, String topic)
            throws java.util.concurrent.ExecutionException,
                    InterruptedException,
                    java.util.concurrent.TimeoutException {
        List<TopicPartition> partitions =
                admin
                        .describeTopics(List.of(topic))
                        .allTopicNames()
                        .get(5, TimeUnit.SECONDS)
                        .get(topic)
                        .partitions()
                        .stream()
                        .map(p -> new TopicPartition(topic, p.partition()))
                        .toList();
        return admin
                .listOffsets(
                        partitions.stream()
                                .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                .all()
                .get(5, TimeUnit.SECONDS)
                .values()
                .stream()
                .mapToLong(o -> o.offset())
                .sum();
    }

    /** One record past every event on each partition of the events topic. */
    private static void sendClosing(EmbeddedKafka kafka, String topic, List<String> closing)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (int partition = 0; partition < closing.size(); partition++) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            partition,
                            ("closing-" + partition).getBytes(StandardCharsets.UTF_8),
                            closing.get(partition).getBytes(StandardCharsets.UTF_8)));
        }
        kafka.send(topic, records);
    }

    /**
     * Waits until the job has read and checkpointed every event (and in distributed mode every loop
     * record), no activation call is parked, and the output topics and the calls the edge received
     * stayed as they were for {@code quiet} (the settings'): longer than the longest retry backoff,
     * so a call still being retried would have shown. (The operator's in-flight gauge is not asked:
     * after a restart in the same taskmanager, the failed attempt's gauge can be the one reported.)
     */
    private boolean drain(
            EmbeddedKafka kafka,
            TesseraConfig config,
            FlinkRest rest,
            PersonalizeSimulator simulator)
            throws Exception {
        KafkaSettings topics = config.kafka();
        List<String> outputs =
                List.of(
                        topics.profilesTopic(),
                        topics.profileMergesTopic(),
                        topics.audienceTransitionsTopic(),
                        topics.eventsDlqTopic(),
                        topics.activationDlqTopic(),
                        topics.identityLoopTopic());
        long deadline = System.nanoTime() + DRAIN_LIMIT.toNanos();
        String previous = null;
        long stableSince = 0;
        try (Admin admin = kafka.admin()) {
            while (System.nanoTime() < deadline) {
                TimeUnit.SECONDS.sleep(1);
                try {
                    boolean consumed =
                            committed(admin, topics.groupId(), topics.eventsTopic())
                                            >= endOffsets(admin, topics.eventsTopic())
                                    && committed(
                                                    admin,
                                                    topics.groupId() + "-identity-loop",
                                                    topics.identityLoopTopic())
                                            >= endOffsets(admin, topics.identityLoopTopic());
                    boolean parked = rest.sumOfMetric("activation.parkedNow") > 0;
                    StringBuilder now = new StringBuilder();
                    for (String topic : outputs) {
                        now.append(endOffsets(admin, topic)).append(' ');
                    }
                    now.append(simulator.calls().size());
                    if (!consumed || parked || !now.toString().equals(previous)) {
                        previous = now.toString();
                        stableSince = System.currentTimeMillis();
                        continue;
                    }
                    if (System.currentTimeMillis() - stableSince >= settings.quiet().toMillis()) {
                        say("drained");
                        return true;
                    }
                } catch (IOException
                        | java.util.concurrent.ExecutionException
                        | java.util.concurrent.TimeoutException busy) {
                    previous = null;
                }
            }
        }
        say("NOT drained in %d min", DRAIN_LIMIT.toMinutes());
        return false;
    }

    private void say(String format, Object... args) {
        long at = trafficStart == 0 ? 0 : (System.currentTimeMillis() - trafficStart) / 1000;
        String line =
                String.format("[%-6s %4ds] ", settings.name(), at) + String.format(format, args);
        synchronized (out) {
            out.println(line);
        }
    }
}
