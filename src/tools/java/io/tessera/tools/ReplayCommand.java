package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.Topology;
import io.tessera.config.ConfigArguments;
import io.tessera.config.TesseraConfig;
import io.tessera.connect.KafkaOptions;
import io.tessera.identity.IdentityJson;
import io.tessera.identity.ProfileUpdate;
import io.tessera.ingest.CustomerEventJson;
import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.DeadLetterJson;
import io.tessera.ingest.DeduplicateFunction;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.model.CustomerEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * {@code ./tessera replay}: runs the job's own topology over a file of Segment messages on a local
 * MiniCluster and writes what it produced to a directory.
 */
public final class ReplayCommand {
    static final String USAGE =
            """
            Usage: ./tessera replay --events FILE.jsonl [--out DIR]
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
            then prints the counts. Job options (--cdp.*) are those of the job itself.
            """;

    private static final String EVENTS_FILE = "events.jsonl";
    private static final String DEAD_LETTERS_FILE = "dead-letters.jsonl";
    private static final String PROFILES_FILE = "profiles.jsonl";
    private static final String PROFILE_UPDATES_FILE = "profile-updates.jsonl.tmp";
    private static final String MERGES_FILE = "merges.jsonl";
    private static final String REJECTED_LINKS_FILE = "rejected-links.jsonl";

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
     */
    public record Summary(
            long records,
            long accepted,
            long duplicates,
            Map<String, Long> deadLettersByReason,
            long profiles,
            long merges,
            long rejectedLinks) {
        /** All dead letters. */
        public long deadLetters() {
            return deadLettersByReason.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("events", "out"), Set.of());
        Path events = Path.of(line.require("events"));
        if (!Files.isRegularFile(events)) {
            throw new CommandLine.UsageException("no such file: " + events);
        }
        Path outDir = Path.of(line.get("out", "replay-out"));
        Summary summary = run(events, outDir, line.jobArgs());
        print(summary, events, outDir, out);
    }

    /** Replays the file into the directory and returns the counts. */
    public static Summary run(Path events, Path outDir, String[] jobArgs) throws Exception {
        Configuration options = new Configuration();
        // The replay reads a file and writes files: the job's Kafka settings are not used.
        options.set(KafkaOptions.BOOTSTRAP_SERVERS, "unused-by-replay:9092");
        options.addAll(ConfigArguments.parse(jobArgs));
        TesseraConfig config = TesseraConfig.from(options);

        Files.createDirectories(outDir);
        Path eventsOut = outDir.resolve(EVENTS_FILE);
        Path deadLettersOut = outDir.resolve(DEAD_LETTERS_FILE);
        Path updatesOut = outDir.resolve(PROFILE_UPDATES_FILE);
        Path mergesOut = outDir.resolve(MERGES_FILE);
        Path rejectedOut = outDir.resolve(REJECTED_LINKS_FILE);
        for (Path file : List.of(eventsOut, deadLettersOut, updatesOut, mergesOut, rejectedOut)) {
            Files.deleteIfExists(file);
        }

        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(LocalJobConfig.create(1, null));
        SegmentMessageParser parser = new SegmentMessageParser(config.ingest(), Clock.systemUTC());
        FileSource<IngestRecord> source =
                FileSource.forRecordStreamFormat(
                                new SegmentFileFormat(events.getFileName().toString(), parser),
                                new org.apache.flink.core.fs.Path(events.toUri()))
                        .build();
        JsonLinesFileSink<DeadLetter> deadLetterSink =
                new JsonLinesFileSink<>(deadLettersOut, DeadLetterJson::toJson);
        JsonLinesFileSink<CustomerEvent> eventSink =
                new JsonLinesFileSink<>(eventsOut, CustomerEventJson::toJson);
        Topology.build(
                env,
                config,
                new Topology.Sources(source),
                new Topology.Sinks(
                        deadLetterSink,
                        eventSink,
                        new JsonLinesFileSink<>(updatesOut, ReplayCommand::profileUpdateJson),
                        new JsonLinesFileSink<>(mergesOut, IdentityJson::merge),
                        new JsonLinesFileSink<>(rejectedOut, IdentityJson::rejectedLink)));
        JobExecutionResult result = env.execute("tessera-replay");

        Long duplicates = result.getAccumulatorResult(DeduplicateFunction.DUPLICATES_ACCUMULATOR);
        long profiles = writeFinalProfiles(updatesOut, outDir.resolve(PROFILES_FILE));
        return new Summary(
                countLines(events),
                countLines(eventsOut),
                duplicates == null ? 0 : duplicates,
                countReasons(deadLettersOut),
                profiles,
                countLines(mergesOut),
                countLines(rejectedOut));
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
    private static long writeFinalProfiles(Path updates, Path profiles) throws IOException {
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
