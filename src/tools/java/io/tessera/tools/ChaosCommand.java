package io.tessera.tools;

import io.tessera.activation.ActivationOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

/**
 * {@code ./tessera chaos}: the shaded jar on real standalone clusters, the shop traffic at a set
 * rate, twice at once: a clean run, and a run with faults injected at random points (a fixed seed);
 * then what the two runs wrote is compared, and the last line counts what was lost, duplicated,
 * differing, or dead-lettered by the faults.
 */
final class ChaosCommand {
    static final String USAGE =
            """
            Usage: ./tessera chaos [--quick] [--minutes M | --seconds S] [--seed S] [--rate R]
                                   [--time-scale N] [--identity-mode single|distributed]
                                   [--no-faults]
                                   [--cdp.option value ...]

            Runs the shaded job jar (built first when missing) on two local standalone Flink
            clusters (a jobmanager and two taskmanagers each, from Maven artifacts, flink-conf/
            as their configuration), each with its own in-process Kafka broker and Personalize
            simulator, and the demo's shop traffic at R records/s (default 25) into both. One
            run stays clean; the other gets faults at random points drawn from the seed
            (default 1, printed): kill -9 of a taskmanager (a replacement starts 3 s later),
            a broker restart, a taskmanager frozen past the checkpoint timeout, Personalize
            down (503) and Personalize slow (2 s a call), the machines' faults while the
            edge's run beside them. Both runs end with a record past every event on each
            partition, are drained (every event read and checkpointed, every call answered),
            and their outputs compared: cdp.profiles (compacted), cdp.profile-merges and
            cdp.audience-transitions (each exactly once), the dead letters, and every user's
            attributes in Personalize. It prints each fault and its time to recover, the events
            per second the job held, checkpoint durations and state size over time, and last:
              CHAOS faults N | lost 0 | duplicated 0 | differing 0 | dead letters from faults 0
            The exit status is 1 when a count is not 0.

              --quick          one fault of each kind, short ones, the kill in a lane
                               of its own, 60 s of traffic, 5 s checkpoints (under
                               3 minutes in all on two cores)
              --minutes M      minutes of traffic, faults in rounds throughout (default 10;
                               10 s checkpoints, Personalize down 3 minutes at a time)
              --seconds S      seconds of traffic instead (the faults of a lane still each
                               wait for the one before to recover)
              --seed S         the seed of the traffic and of the faults' plan
              --rate R         records per second of traffic
              --time-scale N   event time runs N times as fast as the traffic (default
                               1): a 20-minute run at 3 spans an hour of visits, so
                               sequence windows and wake-ups pass while it runs
              --identity-mode  how identities are stitched (cdp.identity.mode)
              --no-faults      both runs clean: shows the comparison finds no difference
                               where there is none
            The outputs of both runs are kept under target/chaos/ as JSON lines.
            """;

    private static final String DEFINITIONS = "examples/shop-definitions.json";

    private ChaosCommand() {}

    /** Runs the command; returns the exit status. */
    static int main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(
                        args,
                        Set.of(
                                "minutes",
                                "seconds",
                                "seed",
                                "rate",
                                "time-scale",
                                "identity-mode",
                                "jar"),
                        Set.of("quick", "no-faults"));
        boolean quick = line.has("quick");
        if (quick && line.has("minutes")) {
            throw new CommandLine.UsageException("--quick and --minutes exclude each other");
        }
        int minutes = line.getInt("minutes", 10);
        int rate = line.getInt("rate", 25);
        int timeScale = line.getInt("time-scale", 1);
        long seed = line.getInt("seed", 1);
        if (minutes < 2 || rate < 1) {
            throw new CommandLine.UsageException(
                    "--minutes must be at least 2 and --rate at least 1");
        }
        Path jar = jar(line.get("jar", System.getProperty("tessera.jar")));
        Shape chosen = quick ? Shape.quick() : Shape.full(minutes);
        if (line.has("seconds")) {
            int seconds = line.getInt("seconds", 0);
            if (seconds < 10) {
                throw new CommandLine.UsageException("--seconds must be at least 10");
            }
            chosen = chosen.withTraffic(Duration.ofSeconds(seconds));
        }
        Shape shape = chosen;
        Path home =
                Path.of(
                                "target",
                                "chaos",
                                Instant.now()
                                        .truncatedTo(ChronoUnit.SECONDS)
                                        .toString()
                                        .replace(':', '-'))
                        .toAbsolutePath();

        // Event times three days back: the closing records two days past the traffic are still
        // in the past (ingest refuses future times), and time runs as fast as the traffic does,
        // or --time-scale times as fast.
        Duration span = shape.traffic().multipliedBy(timeScale);
        if (timeScale < 1 || span.compareTo(Duration.ofHours(12)) > 0) {
            throw new CommandLine.UsageException(
                    "--time-scale must be at least 1, and the traffic times it at most 12 hours");
        }
        Instant start = Instant.now().minus(Duration.ofDays(3)).truncatedTo(ChronoUnit.SECONDS);
        // Traffic whose outcome does not depend on when the job reads it (ShopTraffic.inOrder):
        // no late events, no links between partitions. About six records a visitor.
        int users = (int) Math.max(10, rate * shape.traffic().toSeconds() / 6);
        List<ShopTraffic.Record> traffic = ShopTraffic.inOrder(seed, users, start, span);
        Instant closingAt = start.plus(span).plus(Duration.ofDays(2));
        List<String> closing = closing(closingAt, 2);
        ChaosPlan plan =
                line.has("no-faults")
                        ? ChaosPlan.none()
                        : quick
                                ? ChaosPlan.oneOfEach(seed, shape.lengths(), 2)
                                : ChaosPlan.rounds(
                                        seed,
                                        shape.lengths(),
                                        2,
                                        shape.traffic().minus(Duration.ofMinutes(1)));

        List<String> jobArgs = new ArrayList<>();
        jobArgs.addAll(List.of("--cdp.kafka.starting-offsets", "EARLIEST"));
        jobArgs.addAll(
                List.of(
                        "--cdp.profile.definitions",
                        Path.of(DEFINITIONS).toAbsolutePath().toString()));
        jobArgs.addAll(List.of(ReplayCommand.withIdentityMode(line)));
        jobArgs.addAll(
                List.of(
                        "--" + ActivationOptions.BACKOFF_MAX.key(),
                        shape.backoffMax().toMillis() + " ms"));
        Map<String, String> flink =
                new HashMap<>(
                        Map.of(
                                "taskmanager.numberOfTaskSlots", "1",
                                "taskmanager.memory.process.size", "1536m",
                                "jobmanager.memory.process.size", "1024m",
                                "execution.checkpointing.interval",
                                        shape.checkpointInterval().toSeconds() + " s",
                                "execution.checkpointing.timeout",
                                        shape.checkpointTimeout().toSeconds() + " s"));
        if (quick) {
            // A killed taskmanager's replacement registers within seconds: retry the restart at
            // least every 4 s instead of backing off up to flink-conf/'s 2 minutes.
            flink.put("restart-strategy.exponential-delay.max-backoff", "4 s");
        }

        out.printf(
                "CHAOS seed %d | %d records of %d visitors over %d s (%d/s)%s | identity mode %s |"
                        + " jar %s%n",
                seed,
                traffic.size(),
                users,
                shape.traffic().toSeconds(),
                rate,
                timeScale == 1 ? "" : ", " + span.toMinutes() + " min of event time",
                identityMode(jobArgs),
                jar.getFileName());
        out.printf(
                "Checkpoints every %d s, timeout %d s (flink-conf/ otherwise); cluster logs under"
                        + " %s%n",
                shape.checkpointInterval().toSeconds(),
                shape.checkpointTimeout().toSeconds(),
                home);
        out.println("Faults planned:");
        for (ChaosPlan.Lane lane : plan.lanes()) {
            printPlan(out, lane.name(), lane.faults());
        }

        ExecutorService runs = Executors.newFixedThreadPool(2);
        ChaosRun.Result clean;
        ChaosRun.Result faulty;
        try {
            java.util.function.BiFunction<String, ChaosPlan, Future<ChaosRun.Result>> launch =
                    (name, faults) ->
                            runs.submit(
                                    () ->
                                            ChaosRun.run(
                                                    settings(
                                                            name, home, jar, jobArgs, flink, shape),
                                                    traffic,
                                                    shape.traffic(),
                                                    closing,
                                                    faults,
                                                    out));
            Future<ChaosRun.Result> cleanRun = launch.apply("clean", null);
            Future<ChaosRun.Result> faultyRun = launch.apply("faults", plan);
            clean = cleanRun.get();
            faulty = faultyRun.get();
        } finally {
            runs.shutdownNow();
        }
        ChaosComparison comparison = ChaosComparison.of(clean.outputs(), faulty.outputs());
        return ChaosReport.print(out, shape, clean, faulty, comparison);
    }

    /**
     * The sizes of a run.
     *
     * @param traffic how long the traffic is produced
     * @param checkpointInterval the job's checkpoint interval
     * @param checkpointTimeout the job's checkpoint timeout
     * @param lengths how long the faults last
     */
    record Shape(
            Duration traffic,
            Duration checkpointInterval,
            Duration checkpointTimeout,
            Duration backoffMax,
            ChaosPlan.Lengths lengths) {

        /** The same with another length of traffic. */
        Shape withTraffic(Duration length) {
            return new Shape(length, checkpointInterval, checkpointTimeout, backoffMax, lengths);
        }

        /**
         * How long a drained run's outputs and edge calls must stay as they are: longer than the
         * longest retry backoff, so a call still being retried would have shown.
         */
        Duration quiet() {
            return backoffMax.plusSeconds(5);
        }

        static Shape quick() {
            // Two clusters share this machine's cores: checkpoints take up to 5 s in the clean
            // run and 16 s with faults; a shorter timeout would expire them without a fault.
            Duration timeout = Duration.ofSeconds(20);
            // Retries back off at most 5 s, so a drained run is seen in 10 s of quiet.
            return new Shape(
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(5),
                    timeout,
                    Duration.ofSeconds(5),
                    new ChaosPlan.Lengths(
                            Duration.ofSeconds(5),
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(15),
                            timeout.plusSeconds(5),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(4)));
        }

        static Shape full(int minutes) {
            Duration timeout = Duration.ofSeconds(30);
            return new Shape(
                    Duration.ofMinutes(minutes),
                    Duration.ofSeconds(10),
                    timeout,
                    ActivationOptions.BACKOFF_MAX.defaultValue(),
                    new ChaosPlan.Lengths(
                            Duration.ofSeconds(20),
                            Duration.ofMinutes(3),
                            Duration.ofMinutes(1),
                            timeout.plusSeconds(10),
                            Duration.ofSeconds(20),
                            Duration.ofSeconds(60)));
        }
    }

    private static ChaosRun.Settings settings(
            String name,
            Path home,
            Path jar,
            List<String> jobArgs,
            Map<String, String> flink,
            Shape shape) {
        return new ChaosRun.Settings(
                name,
                home.resolve(name),
                jar,
                jobArgs,
                flink,
                Duration.ofSeconds(2),
                shape.quiet());
    }

    /** A page view per partition, two days after the traffic: the watermark's end in both runs. */
    static List<String> closing(Instant at, int partitions) {
        List<String> records = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            records.add(
                    "{\"type\":\"page\",\"name\":\"Closing\",\"anonymousId\":\"chaos-closing-"
                            + p
                            + "\",\"messageId\":\"chaos-closing-"
                            + p
                            + "\",\"timestamp\":\""
                            + at
                            + "\"}");
        }
        return records;
    }

    private static void printPlan(PrintStream out, String lane, List<ChaosPlan.Fault> faults) {
        for (ChaosPlan.Fault fault : faults) {
            out.printf(
                    "  %-8s after %2d s: %s, %d s%n",
                    lane,
                    fault.pauseBefore().toSeconds(),
                    fault.kind().description(),
                    fault.length().toSeconds());
        }
    }

    private static String identityMode(List<String> jobArgs) {
        int at = jobArgs.indexOf("--cdp.identity.mode");
        return at < 0 ? "default" : jobArgs.get(at + 1).toLowerCase(java.util.Locale.ROOT);
    }

    /** The shaded jar: the given one, or the one the build left in target/. */
    private static Path jar(String given) throws java.io.IOException {
        if (given != null && !given.isBlank()) {
            return Path.of(given).toAbsolutePath();
        }
        try (Stream<Path> files = Files.list(Path.of("target"))) {
            return files.filter(
                            f ->
                                    f.getFileName().toString().matches("tessera-.*\\.jar")
                                            && !f.getFileName().toString().startsWith("original-"))
                    .findFirst()
                    .map(Path::toAbsolutePath)
                    .orElseThrow(
                            () ->
                                    new CommandLine.UsageException(
                                            "no job jar in target/: build it with `mvn -B package"
                                                    + " -DskipTests` (./tessera chaos does)"));
        } catch (java.nio.file.NoSuchFileException noTarget) {
            throw new CommandLine.UsageException(
                    "no target/ directory: build the job jar with `mvn -B package -DskipTests`");
        }
    }
}
