package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.AcceptanceA6;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.IngestSettings;
import io.tessera.ingest.RawRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.ProfileSettings;
import io.tessera.tools.IdentityOperatorHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single-mode identity operator on RocksDB: a snapshot and restore between any two messages
 * ends in the same outputs and the same profiles as an uninterrupted run (invariant 11).
 */
class SingleModeIdentityFunctionTest {

    private static final SegmentMessageParser PARSER =
            new SegmentMessageParser(
                    IngestSettings.from(new Configuration()),
                    Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC));

    @Test
    void restoredRunsEndLikeUninterruptedOnesWhereverTheSnapshotFalls() throws Exception {
        List<CustomerEvent> events = new ArrayList<>(parse(AcceptanceA6.messages()));
        events.addAll(parse(randomMessages(new Random(7), 24)));
        Outputs uninterrupted = run(events, -1);

        for (int split = 0; split <= events.size(); split++) {
            Outputs restored = run(events, split);
            assertEquals(uninterrupted, restored, "snapshot after message " + split);
        }
    }

    @Test
    void keepsTheGraphOfATenantInMapStateUnderItsKey() throws Exception {
        try (var harness = harness(null)) {
            for (CustomerEvent event : parse(AcceptanceA6.messages())) {
                harness.processElement(event, event.eventTime());
            }
            KeyedStateBackend<String> backend =
                    ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
            backend.setCurrentKey(CustomerEvent.DEFAULT_TENANT);

            assertEquals(
                    List.of("email:ann@shop.io", "user_id:u1", "user_id:u2"),
                    keys(
                            backend,
                            SingleModeIdentityFunction.DURABLE_DIRECTORY,
                            DirectoryEntry.class));
            assertEquals(
                    List.of("anonymous_id:a1", "anonymous_id:a2"),
                    keys(
                            backend,
                            SingleModeIdentityFunction.EXPIRING_DIRECTORY,
                            DirectoryEntry.class));
            assertEquals(
                    2,
                    keys(backend, SingleModeIdentityFunction.PROFILES, ProfileState.class).size());
            assertEquals(
                    1,
                    keys(backend, SingleModeIdentityFunction.FORWARDS, String.class).size(),
                    "the merged-away P2 forwards to P1");
        }
    }

    @Test
    void eachProfileWakesByItsOwnTimerWithNoListOfTheProfilesDue(@TempDir Path dir)
            throws Exception {
        Path definitions = dir.resolve("definitions.json");
        Files.writeString(
                definitions,
                """
                [{"schema":"cdp.definition/v1","kind":"trait","id":"views_1h","version":1,
                  "status":"active","name":"Views","type":"event_counter",
                  "source":{"event":{"type":"track","name":"Product Viewed"}},
                  "window":{"kind":"sliding","size":"PT1H","granularity":"PT1M"}},
                 {"schema":"cdp.definition/v1","kind":"audience","id":"browsing","version":1,
                  "status":"active","name":"Browsing","type":"rule","includeAnonymous":true,
                  "condition":{"field":"traits.views_1h","op":"gte","value":1}}]
                """);
        int visitors = 50;
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < visitors; i++) {
            messages.add(
                    """
                    {"type":"track","event":"Product Viewed","anonymousId":"v%d",\
                    "messageId":"m%d","timestamp":"2025-05-01T10:00:%02dZ"}\
                    """
                            .formatted(i, i, i % 60));
        }
        OperatorSubtaskState snapshot;
        try (var harness =
                IdentityOperatorHarness.open(
                        IdentityFixtures.SETTINGS,
                        ProfileSettings.load(definitions),
                        new EmbeddedRocksDBStateBackend(),
                        null)) {
            for (CustomerEvent event : parse(messages)) {
                harness.processElement(event, event.eventTime());
            }
            assertEquals(visitors, harness.numEventTimeTimers(), "one wake-up per profile");
            KeyedStateBackend<String> backend =
                    ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
            backend.setCurrentKey(CustomerEvent.DEFAULT_TENANT);
            MapState<Long, List<String>> listed =
                    backend.getPartitionedState(
                            VoidNamespace.INSTANCE,
                            VoidNamespaceSerializer.INSTANCE,
                            new MapStateDescriptor<>(
                                    SingleModeIdentityFunction.WAKE_UPS,
                                    Types.LONG,
                                    Types.LIST(Types.STRING)));
            assertEquals(false, listed.keys().iterator().hasNext(), "no list is written");
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored =
                IdentityOperatorHarness.open(
                        IdentityFixtures.SETTINGS,
                        ProfileSettings.load(definitions),
                        new EmbeddedRocksDBStateBackend(),
                        snapshot)) {
            restored.processWatermark(Instant.parse("2025-05-01T11:01:00Z").toEpochMilli());
            List<String> exits = new ArrayList<>();
            var transitions = restored.getSideOutput(IdentityOutputs.AUDIENCE_TRANSITIONS);
            transitions.forEach(
                    r -> {
                        var t =
                                ((StreamRecord<io.tessera.profile.AudienceTransition>) r)
                                        .getValue();
                        if (!t.entered()) {
                            exits.add(Instant.ofEpochMilli(t.at()).toString());
                        }
                    });
            assertEquals(visitors, exits.size(), "every profile exits when its view expires");
            assertEquals("2025-05-01T11:01:00Z", exits.get(0), "at the end of its minute's window");
            assertEquals(0, restored.numEventTimeTimers(), "no wake-up left once all expired");
        }
    }

    private static <V> List<String> keys(
            KeyedStateBackend<String> backend, String name, Class<V> type) throws Exception {
        MapState<String, V> state =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(name, Types.STRING, TypeInformation.of(type)));
        List<String> keys = new ArrayList<>();
        state.keys().forEach(keys::add);
        keys.sort(null);
        return keys;
    }

    /** Runs the events, with a snapshot and restore before event {@code split} (none if -1). */
    private static Outputs run(List<CustomerEvent> events, int split) throws Exception {
        Outputs outputs = new Outputs();
        var harness = harness(null);
        for (int i = 0; i < events.size(); i++) {
            if (i == split) {
                outputs.collect(harness);
                OperatorSubtaskState snapshot = harness.snapshot(i, i);
                harness.close();
                harness = harness(snapshot);
            }
            harness.processElement(events.get(i), events.get(i).eventTime());
        }
        outputs.collect(harness);
        harness.close();
        return outputs;
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
            harness(OperatorSubtaskState restoreFrom) throws Exception {
        return IdentityOperatorHarness.open(
                IdentityFixtures.SETTINGS,
                ProfileSettings.none(),
                new EmbeddedRocksDBStateBackend(),
                restoreFrom);
    }

    /** Everything the operator emitted, as JSON text, and the final profile of each id. */
    private static final class Outputs {
        final List<String> events = new ArrayList<>();
        final List<String> merges = new ArrayList<>();
        final List<String> rejections = new ArrayList<>();
        final Map<String, String> profiles = new TreeMap<>();

        void collect(
                KeyedBroadcastOperatorTestHarness<
                                String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                        h) {
            h.extractOutputValues()
                    .forEach(r -> events.add(r.profileId() + " " + r.event().messageId()));
            drain(h, IdentityOutputs.MERGES)
                    .forEach(m -> merges.add(IdentityJson.merge(m).toString()));
            drain(h, IdentityOutputs.REJECTED_LINKS)
                    .forEach(r -> rejections.add(IdentityJson.rejectedLink(r).toString()));
            for (ProfileUpdate update : drain(h, IdentityOutputs.PROFILES)) {
                if (update.isRemoval()) {
                    profiles.remove(update.profileId());
                } else {
                    profiles.put(
                            update.profileId(), IdentityJson.profile(update.snapshot()).toString());
                }
            }
        }

        private static <T> List<T> drain(
                KeyedBroadcastOperatorTestHarness<
                                String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                        h,
                org.apache.flink.util.OutputTag<T> tag) {
            List<T> values = new ArrayList<>();
            var queue = h.getSideOutput(tag);
            if (queue != null) {
                queue.forEach(r -> values.add(((StreamRecord<T>) r).getValue()));
            }
            return values;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Outputs other
                    && events.equals(other.events)
                    && merges.equals(other.merges)
                    && rejections.equals(other.rejections)
                    && profiles.equals(other.profiles);
        }

        @Override
        public int hashCode() {
            return events.hashCode();
        }

        @Override
        public String toString() {
            return "events="
                    + events
                    + "\nmerges="
                    + merges
                    + "\nrejections="
                    + rejections
                    + "\nprofiles="
                    + profiles;
        }
    }

    private static List<String> randomMessages(Random random, int count) {
        List<String> messages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder json = new StringBuilder("{\"type\":\"track\",\"event\":\"E\"");
            json.append(",\"anonymousId\":\"r").append(random.nextInt(8)).append('"');
            if (random.nextInt(3) == 0) {
                json.append(",\"userId\":\"ru").append(random.nextInt(3)).append('"');
            }
            if (random.nextInt(3) == 0) {
                json.append(",\"context\":{\"device\":{\"id\":\"rd")
                        .append(random.nextInt(3))
                        .append("\"}}");
            }
            json.append(",\"messageId\":\"r-")
                    .append(i)
                    .append("\",\"timestamp\":\"")
                    .append(Instant.parse("2025-01-02T00:00:00Z").plusSeconds(i * 60L))
                    .append("\"}");
            messages.add(json.toString());
        }
        return messages;
    }

    private static List<CustomerEvent> parse(List<String> messages) {
        List<CustomerEvent> events = new ArrayList<>();
        for (String message : messages) {
            List<IngestRecord> out = new ArrayList<>();
            PARSER.parse(
                    new RawRecord(null, message.getBytes(StandardCharsets.UTF_8), "t", 0, 0, null),
                    out::add);
            out.stream().filter(IngestRecord::isAccepted).forEach(r -> events.add(r.event()));
        }
        return events;
    }
}
