package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.ConfigArguments;
import io.tessera.TesseraConfig;
import io.tessera.Topology;
import io.tessera.activation.ActivationSettings;
import io.tessera.activation.EdgeApi;
import io.tessera.activation.EdgeRequest;
import io.tessera.connect.KafkaOptions;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionValidator;
import io.tessera.identity.IdentityJson;
import io.tessera.identity.IdentityOptions;
import io.tessera.identity.ProfileUpdate;
import io.tessera.ingest.CustomerEventJson;
import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.DeadLetterJson;
import io.tessera.ingest.DeduplicateFunction;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.RawRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransitionJson;
import io.tessera.profile.ProfileOptions;
import io.tessera.profile.ScheduledUpdate;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./tessera replay}: runs the job's own topology over a file of Segment messages on a local
 * MiniCluster and writes what it produced to a directory.
 */
public final class ReplayCommand {
    static final String USAGE =
            """
            Usage: ./tessera replay --events FILE.jsonl [--out DIR] [--definitions FILE]
                                    [--updates FILE.jsonl] [--until TIME]
                                    [--identity-mode single|distributed]
                                    [--config cdp.yaml] [--cdp.option value ...]

            Runs the real pipeline over a file of Segment messages (one message or batch
            envelope per line), in event time, on a local Flink MiniCluster with RocksDB at
            parallelism 1 (so outputs keep the input's order), and
            writes to DIR (default: replay-out):
              events.jsonl          each accepted message as the job understood it
              dead-letters.jsonl    each refused record: reason, detail, raw, origin
              profiles.jsonl        the final snapshot of each live profile
              merges.jsonl          each merge: loser, winner, at, reason
              rejected-links.jsonl  each link the identity rules refused, with the rule
              audience-transitions.jsonl  each Audience Entered / Exited
              activations.jsonl     each Edge API request the job would send to Personalize
                                    (method, path, headers, body), without coalescing
            then prints the counts and each audience's size: a dry run of definitions
            (--definitions, cdp.definition/v1) before they are published. Time is event time:
            at the end, time advances to --until (ISO-8601, e.g. 2025-02-01T00:00:00Z) if given,
            else to the last event's time, so wake-ups up to then (expiring windows, "no order
            in 14 days") fire. --updates replays control-topic changes at event times, one per
            line: {"at": TIME, "key": "<kind>/<id>", "definition": {...} or null to delete}.
            With --identity-mode distributed the replay starts an in-process Kafka broker
            for the identity loop, runs until every record is resolved and the loop is quiet,
            then drains the job to the end of event time.
            Job options (--cdp.*) are those of the job itself.
            """;

    private static final String EVENTS_FILE = "events.jsonl";
    private static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";
    private static final String PROFILES_FILE = "profiles.jsonl";
    private static final String PROFILE_UPDATES_FILE = "profile-updates.jsonl.tmp";
    private static final String MERGES_FILE = "merges.jsonl";
    private static final String REJECTED_LINKS_FILE = "rejected-links.jsonl";
    private static final String TRANSITIONS_FILE = "audience-transitions.jsonl";
    private static final String ACTIVATIONS_FILE = "activations.jsonl";

    /** The project uid of recorded requests when the options name none. */
    static final String REPLAY_PROJECT = "replay-project";

    private ReplayCommand() {}

    /**
     * What a replay produced.
     *
     * @param records non-blank lines read
     * @param accepted accepted events written
     * @param duplicates duplicates dropped
     * @param deadLettersByReason dead letters written, by reason
     * @param profiles live profiles at the end
     * @param merges merges
     * @param rejectedLinks links the identity rules refused
     * @param transitions audience transitions
     * @param activations Edge API requests the run would send
     * @param audienceSizes members of each audience at the end
     */
    public record Summary(
            long records,
            long accepted,
            long duplicates,
            Map<String, Long> deadLettersByReason,
            long profiles,
            long merges,
            long rejectedLinks,
            long transitions,
            long activations,
            Map<String, Long> audienceSizes) {
        /** All dead letters. */
        public long deadLetters() {
            return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(
                        args,
                        Set.of("events", "out", "definitions", "updates", "until", "identity-mode"),
                        Set.of());
        Path events = Path.of(line.require("events"));
        if (!Files.isRegularFile(events)) {
            throw new CommandLine.UsageException("no such file: " + events);
        }
        Path outDir = Path.of(line.get("out", "replay-out"));
        Instant until;
        try {
            until = line.has("until") ? Instant.parse(line.get("until", null)) : null;
        } catch (DateTimeParseException e) {
            throw new CommandLine.UsageException(
                    "--until must be an ISO-8601 instant, e.g." + " 2025-02-01T00:00:00Z");
        }
        String definitions = line.get("definitions", null);
        if (definitions != null && !Files.isRegularFile(Path.of(definitions))) {
            throw new CommandLine.UsageException("no such file: " + definitions);
        }
        String updates = line.get("updates", null);
        if (updates != null && !Files.isRegularFile(Path.of(updates))) {
            throw new CommandLine.UsageException("no such file: " + updates);
        }
        List<ScheduledUpdate> scheduled =
                updates == null ? List.of() : scheduledUpdates(Path.of(updates));
        reportRefused(scheduled, out);
        Summary summary =
                run(
                        events,
                        outDir,
                        definitions == null ? null : Path.of(definitions),
                        scheduled,
                        until,
                        withIdentityMode(line));
        print(summary, events, outDir, out);
    }

    /**
     * Prints each update the job will refuse (the control topic's rules: the validator, one
     * definition at a time), instead of letting it vanish into the run: it changes nothing there,
     * as it would change nothing in the live job, which writes it to its rejected topic.
     */
    static int reportRefused(List<ScheduledUpdate> updates, PrintStream out) throws IOException {
        ObjectMapper json = new ObjectMapper();
        int refused = 0;
        for (ScheduledUpdate update : updates) {
            if (update.json() == null) {
                continue; // a delete
            }
            List<DefinitionProblem> problems =
                    DefinitionValidator.validateOne(json.readTree(update.json()));
            if (!problems.isEmpty()) {
                refused++;
                out.printf(
                        "refused update %s at %s: %s%n",
                        update.key(),
                        Instant.ofEpochMilli(update.at()),
                        problems.stream().map(Object::toString).collect(Collectors.joining("; ")));
            }
        }
        return refused;
    }

    /** The job options, with {@code --identity-mode M} as {@code --cdp.identity.mode M}. */
    static String[] withIdentityMode(CommandLine line) {
        List<String> args = new java.util.ArrayList<>(List.of(line.jobArgs()));
        if (line.has("identity-mode")) {
            args.add("--" + IdentityOptions.MODE.key());
            args.add(line.get("identity-mode", null).toUpperCase(java.util.Locale.ROOT));
        }
        return args.toArray(new String[0]);
    }

    /** Replays the file without definitions, up to its last event. */
    public static Summary run(Path events, Path outDir, String[] jobArgs) throws Exception {
        return run(events, outDir, null, List.of(), null, jobArgs);
    }

    /**
     * Reads control-topic changes with the event times they take effect at.
     *
     * @throws CommandLine.UsageException naming the line of a change that is not well formed
     */
    public static List<ScheduledUpdate> scheduledUpdates(Path file) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<ScheduledUpdate> updates = new java.util.ArrayList<>();
        int number = 0;
        for (String line : Files.readAllLines(file)) {
            number++;
            if (line.isBlank()) {
                continue;
            }
            JsonNode update = json.readTree(line);
            JsonNode definition = update.get("definition");
            try {
                updates.add(
                        new ScheduledUpdate(
                                Instant.parse(update.path("at").asText()).toEpochMilli(),
                                update.path("key").asText(),
                                definition == null || definition.isNull()
                                        ? null
                                        : definition.toString()));
            } catch (DateTimeParseException e) {
                throw new CommandLine.UsageException(
                        file + " line " + number + ": \"at\" must be an ISO-8601 instant");
            }
        }
        return updates;
    }

    /**
     * Replays the file into the directory and returns the counts.
     *
     * @param definitions a definitions file, or null
     * @param updates control-topic changes at event times
     * @param until where event time ends, or null for the last event's time
     */
    public static Summary run(
            Path events,
            Path outDir,
            Path definitions,
            List<ScheduledUpdate> updates,
            Instant until,
            String[] jobArgs)
            throws Exception {
        Configuration options = new Configuration();
        // The replay reads a file and writes files: the job's Kafka settings are not used.
        options.set(KafkaOptions.BOOTSTRAP_SERVERS, "unused-by-replay:9092");
        if (definitions != null) {
            options.set(ProfileOptions.DEFINITIONS, definitions.toString());
        }
        options.addAll(ConfigArguments.parse(jobArgs));
        boolean distributed =
                options.get(IdentityOptions.MODE) == IdentityOptions.IdentityMode.DISTRIBUTED;
        if (!distributed) {
            return run(events, outDir, options, updates, until, null);
        }
        // Distributed identity sends its merges through a Kafka topic: a broker of its own.
        try (EmbeddedKafka loop = EmbeddedKafka.start()) {
            options.set(KafkaOptions.BOOTSTRAP_SERVERS, loop.bootstrapServers());
            if (!options.contains(IdentityOptions.LOOP_ALLOWANCE)) {
                // A file is read in a moment of wall time: event time, held back a century of
                // the clock, reaches the protocol and the sequence audiences only at the end,
                // when the job is drained, every event in place.
                options.set(IdentityOptions.LOOP_ALLOWANCE, Duration.ofDays(36_500));
            }
            return run(events, outDir, options, updates, until, loop);
        }
    }

    private static Summary run(
            Path events,
            Path outDir,
            Configuration options,
            List<ScheduledUpdate> updates,
            Instant until,
            EmbeddedKafka loop)
            throws Exception {
        TesseraConfig parsed = TesseraConfig.from(options);
        SegmentMessageParser parser = new SegmentMessageParser(parsed.ingest(), Clock.systemUTC());
        long horizon = until != null ? until.toEpochMilli() : lastEventTime(events, parser);
        TesseraConfig config =
                new TesseraConfig(
                        parsed.kafka(),
                        parsed.ingest(),
                        parsed.identity(),
                        parsed.profile()
                                .until(horizon)
                                .withScheduled(updates)
                                .withCoalesce(Duration.ZERO),
                        replayActivation(parsed.activation()));

        Files.createDirectories(outDir);
        Path eventsOut = outDir.resolve(EVENTS_FILE);
        Path deadLettersOut = outDir.resolve(DEAD_LETTERS_FILE);
        Path updatesOut = outDir.resolve(PROFILE_UPDATES_FILE);
        Path mergesOut = outDir.resolve(MERGES_FILE);
        Path rejectedOut = outDir.resolve(REJECTED_LINKS_FILE);
        Path transitionsOut = outDir.resolve(TRANSITIONS_FILE);
        Path activationsOut = outDir.resolve(ACTIVATIONS_FILE);
        for (Path file :
                List.of(
                        eventsOut,
                        deadLettersOut,
                        updatesOut,
                        mergesOut,
                        rejectedOut,
                        transitionsOut,
                        activationsOut)) {
            Files.deleteIfExists(file);
        }

        if (loop != null) {
            loop.createTopics(2, config.kafka().identityLoopTopic());
        }
        // Distributed identity commits its loop with checkpoints; a plain replay needs none.
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(
                        LocalJobConfig.create(1, loop == null ? null : Duration.ofMillis(300)));
        FileSource.FileSourceBuilder<IngestRecord> files =
                FileSource.forRecordStreamFormat(
                        new SegmentFileFormat(events.getFileName().toString(), parser),
                        new org.apache.flink.core.fs.Path(events.toUri()));
        if (loop != null) {
            // The input must not end before the loop settles: its end is the last watermark,
            // and a merge still in the loop would then credit its event late. The job is
            // drained once settled instead.
            files.monitorContinuously(Duration.ofSeconds(1));
        }
        FileSource<IngestRecord> source = files.build();
        JsonLinesFileSink<DeadLetter> deadLetterSink =
                new JsonLinesFileSink<>(deadLettersOut, DeadLetterJson::toJson);
        JsonLinesFileSink<CustomerEvent> eventSink =
                new JsonLinesFileSink<>(eventsOut, CustomerEventJson::toJson);
        Topology.build(
                env,
                config,
                new Topology.Sources(source, null),
                new Topology.Sinks(
                        deadLetterSink,
                        eventSink,
                        new JsonLinesFileSink<>(updatesOut, ReplayCommand::profileUpdateJson),
                        new JsonLinesFileSink<>(mergesOut, IdentityJson::merge),
                        new JsonLinesFileSink<>(rejectedOut, IdentityJson::rejectedLink),
                        new JsonLinesFileSink<>(transitionsOut, AudienceTransitionJson::toJson),
                        null, // the sequence audiences' transitions go to the same file
                        null,
                        new JsonLinesFileSink<>(
                                activationsOut, new RecordedRequest(config.activation())::describe),
                        null));
        Long duplicates;
        if (loop == null) {
            JobExecutionResult result = env.execute("tessera-replay");
            duplicates = result.getAccumulatorResult(DeduplicateFunction.DUPLICATES_ACCUMULATOR);
        } else {
            duplicates = runUntilSettled(env, events, eventsOut, deadLettersOut, loop, config);
        }
        Map<String, Long> audienceSizes = new TreeMap<>();
        config.profile().definitions().audiences().forEach(a -> audienceSizes.put(a.id(), 0L));
        long profiles =
                writeFinalProfiles(updatesOut, outDir.resolve(PROFILES_FILE), audienceSizes);
        return new Summary(
                countLines(events),
                countLines(eventsOut),
                duplicates == null ? 0 : duplicates,
                countReasons(deadLettersOut),
                profiles,
                countLines(mergesOut),
                countLines(rejectedOut),
                countLines(transitionsOut),
                countLines(activationsOut),
                audienceSizes);
    }

    /**
     * The activation settings of a replay: every change recorded at once (no coalescing, which
     * depends on the wall clock), to the configured project or a placeholder.
     */
    private static ActivationSettings replayActivation(ActivationSettings configured) {
        ActivationSettings settings = configured.withCoalesce(Duration.ZERO);
        return settings.enabled() ? settings : settings.toEdge(settings.edgeUrl(), REPLAY_PROJECT);
    }

    /** Writes a request as a line of {@code activations.jsonl}. */
    private record RecordedRequest(ActivationSettings settings) implements java.io.Serializable {
        ObjectNode describe(EdgeRequest request) {
            return EdgeApi.describe(request, settings);
        }
    }

    /**
     * Runs a job whose sources never end: until every input record has an outcome (an accepted
     * event, a dead letter or a dropped duplicate) and the loop topic has been quiet for two
     * seconds, then drains it (stop with a savepoint, to the end of event time), so the wake-ups
     * and sequence timeouts up to the horizon happen. Returns the duplicates dropped.
     */
    private static long runUntilSettled(
            StreamExecutionEnvironment env,
            Path events,
            Path eventsOut,
            Path deadLettersOut,
            EmbeddedKafka loop,
            TesseraConfig config)
            throws Exception {
        JobClient job = env.executeAsync("tessera-replay");
        long records = countLines(events);
        long duplicates = 0;
        try (var reader = loop.committedReader(config.kafka().identityLoopTopic())) {
            int quiet = 0;
            while (quiet < 4) {
                JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    job.getJobExecutionResult().get(10, TimeUnit.SECONDS); // throws its failure
                    throw new IllegalStateException("the replay job ended " + status);
                }
                Object counted =
                        job.getAccumulators()
                                .get(10, TimeUnit.SECONDS)
                                .get(DeduplicateFunction.DUPLICATES_ACCUMULATOR);
                duplicates = counted == null ? 0 : ((Number) counted).longValue();
                boolean read =
                        countLines(eventsOut) + countLines(deadLettersOut) + duplicates >= records;
                boolean loopQuiet = reader.poll(Duration.ofMillis(500)).isEmpty();
                quiet = read && loopQuiet ? quiet + 1 : 0;
            }
            Path savepoints = Files.createTempDirectory("tessera-replay-savepoint");
            try {
                job.stopWithSavepoint(
                                true, savepoints.toUri().toString(), SavepointFormatType.CANONICAL)
                        .get(120, TimeUnit.SECONDS);
            } finally {
                deleteRecursively(savepoints);
            }
        } catch (Exception e) {
            if (!job.getJobStatus().get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
            throw e;
        }
        return duplicates;
    }

    /** Deletes a directory and all it holds. */
    static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    /** The latest event time of the file's accepted messages (the default end of time). */
    private static long lastEventTime(Path events, SegmentMessageParser parser) throws IOException {
        long[] last = {Long.MIN_VALUE};
        long line = 0;
        for (byte[] record : lines(Files.readAllBytes(events))) {
            parser.parse(
                    new RawRecord(null, record, events.toString(), 0, ++line, null),
                    parsed -> {
                        if (parsed.isAccepted()) {
                            last[0] = Math.max(last[0], parsed.event().eventTime());
                        }
                    });
        }
        return last[0];
    }

    private static List<byte[]> lines(byte[] bytes) {
        List<byte[]> lines = new java.util.ArrayList<>();
        int start = 0;
        for (int i = 0; i <= bytes.length; i++) {
            if (i == bytes.length || bytes[i] == '\n') {
                if (i > start) {
                    lines.add(java.util.Arrays.copyOfRange(bytes, start, i));
                }
                start = i + 1;
            }
        }
        return lines;
    }

    /** A profile update as a line: the snapshot, or the id and winner of a merged profile. */
    private static ObjectNode profileUpdateJson(ProfileUpdate update) {
        if (update.isRemoval()) {
            ObjectNode removal = new ObjectMapper().createObjectNode();
            removal.put("id", update.profileId());
            removal.put("removed", true);
            removal.put("mergedInto", update.mergedInto());
            return removal;
        }
        return IdentityJson.profile(update.snapshot());
    }

    /**
     * Keeps the last update of each profile, drops merged ones, and writes the live profiles in id
     * order (ids begin with the creation time): what the compacted topic would hold.
     */
    private static long writeFinalProfiles(
            Path updates, Path profiles, Map<String, Long> audienceSizes) throws IOException {
        ObjectMapper json = new ObjectMapper();
        Map<String, String> latest = new TreeMap<>();
        if (Files.exists(updates)) {
            for (String line : Files.readAllLines(updates)) {
                JsonNode update = json.readTree(line);
                String id = update.get("id").asText();
                if (update.has("removed")) {
                    latest.remove(id);
                } else {
                    latest.put(id, line);
                }
            }
            Files.delete(updates);
        }
        Files.write(profiles, latest.values());
        for (String line : latest.values()) {
            json.readTree(line)
                    .path("audiences")
                    .fieldNames()
                    .forEachRemaining(id -> audienceSizes.merge(id, 1L, Long::sum));
        }
        return latest.size();
    }

    private static void print(Summary summary, Path events, Path outDir, PrintStream out) {
        out.printf("Replayed %s: %d records%n", events, summary.records());
        out.printf(
                "  accepted events  %8d  -> %s%n", summary.accepted(), outDir.resolve(EVENTS_FILE));
        out.printf("  duplicates       %8d  (dropped)%n", summary.duplicates());
        out.printf(
                "  dead letters     %8d  -> %s%n",
                summary.deadLetters(), outDir.resolve(DEAD_LETTERS_FILE));
        summary.deadLettersByReason()
                .forEach((reason, count) -> out.printf("    %-16s %6d%n", reason, count));
        out.printf(
                "  profiles         %8d  -> %s%n",
                summary.profiles(), outDir.resolve(PROFILES_FILE));
        out.printf(
                "  merges           %8d  -> %s%n", summary.merges(), outDir.resolve(MERGES_FILE));
        out.printf(
                "  rejected links   %8d  -> %s%n",
                summary.rejectedLinks(), outDir.resolve(REJECTED_LINKS_FILE));
        out.printf(
                "  audience transitions %4d  -> %s%n",
                summary.transitions(), outDir.resolve(TRANSITIONS_FILE));
        out.printf(
                "  Edge API requests %7d  -> %s%n",
                summary.activations(), outDir.resolve(ACTIVATIONS_FILE));
        if (!summary.audienceSizes().isEmpty()) {
            out.println("Audience sizes at the end:");
            summary.audienceSizes().forEach((id, size) -> out.printf("    %-28s %6d%n", id, size));
        }
    }

    private static long countLines(Path file) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        // Bytes, not text: a replayed file may hold invalid UTF-8 on purpose.
        long lines = 0;
        boolean blank = true;
        for (byte b : Files.readAllBytes(file)) {
            if (b == '\n') {
                lines += blank ? 0 : 1;
                blank = true;
            } else if (b != ' ' && b != '\t' && b != '\r') {
                blank = false;
            }
        }
        return lines + (blank ? 0 : 1);
    }

    private static Map<String, Long> countReasons(Path deadLetters) throws IOException {
        Map<String, Long> byReason = new TreeMap<>();
        if (!Files.exists(deadLetters)) {
            return byReason;
        }
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(deadLetters)) {
            byReason.merge(json.readTree(line).get("reason").asText(), 1L, Long::sum);
        }
        return byReason;
    }
}
