package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.ProtocolRun;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.IngestSettings;
import io.tessera.ingest.RawRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * Invariants 1-9 of identity.md after random message streams: random identifier overlaps, shared
 * devices, junk values, duplicates and reorderings, through the real ingest parser and the identity
 * graph, against an in-memory union-find oracle.
 */
class IdentityPropertiesTest {
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final SegmentMessageParser PARSER =
            new SegmentMessageParser(
                    IngestSettings.from(new Configuration()),
                    Clock.fixed(Instant.parse("2025-06-01T00:00:00Z"), ZoneOffset.UTC));
    private static final IdentityRules RULES = tightRules();

    /** One generated message: its identifiers as Segment fields, and a minute offset. */
    record Message(Map<String, String> fields, int minute) {}

    @Property(tries = 1000)
    void everyInvariantHoldsAfterAnyStream(@ForAll("streams") List<Message> stream) {
        Run run = Run.of(stream);
        run.checkInvariants();
    }

    @Property(tries = 500)
    void withoutRejectionsProfilesAreTheConnectedComponentsInAnyOrder(
            @ForAll("streams") List<Message> stream, @ForAll long seed) {
        Run inOrder = Run.of(stream);
        List<Message> shuffled = new ArrayList<>(stream);
        Collections.shuffle(shuffled, new Random(seed));
        Run reordered = Run.of(shuffled);
        if (inOrder.rejections.isEmpty()) {
            assertEquals(inOrder.oraclePartition(), inOrder.partition());
            assertEquals(inOrder.oracleCounts(), inOrder.counts(), "events per component");
        }
        if (inOrder.rejections.isEmpty() && reordered.rejections.isEmpty()) {
            assertEquals(inOrder.partition(), reordered.partition(), "order-independent");
        }
    }

    /**
     * Both modes on the same streams, distributed mode one event at a time (no racing logins): the
     * same partition, refusals and quarantines included, and every rule kept.
     */
    @Property(tries = 1000)
    void distributedModeGivesSingleModesPartitionUnderTightLimits(
            @ForAll("streams") List<Message> stream) {
        Run single = Run.of(stream);
        Set<Set<String>> distributed = distributedPartition(single);
        for (Set<String> profile : distributed) {
            Map<String, Integer> counts = new TreeMap<>();
            profile.forEach(id -> counts.merge(id.substring(0, id.indexOf(':')), 1, Integer::sum));
            assertTrue(counts.getOrDefault("user_id", 0) <= 1, profile.toString());
            assertTrue(counts.getOrDefault("email", 0) <= 2, profile.toString());
            assertTrue(profile.size() <= RULES.sizeCap(), profile.toString());
        }
        Statistics.label("rejections").collect(single.rejections.isEmpty() ? "none" : "some");
        Statistics.label("quarantines")
                .collect(
                        single.rejections.stream().anyMatch(RejectedLink::quarantined)
                                ? "some"
                                : "none");
        assertEquals(single.partition(), distributed);
    }

    @Test
    void bothModesKeepTheEmailLimitOverSuccessiveIdentifies() {
        List<Message> stream = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            stream.add(new Message(Map.of("userId", "u1", "email", "e" + i + "@shop.io"), i));
        }
        Run single = Run.of(stream);
        single.checkInvariants();
        Set<Set<String>> distributed = distributedPartition(single);
        assertEquals(single.partition(), distributed);
        assertTrue(
                distributed.contains(Set.of("user_id:u1", "email:e0@shop.io", "email:e1@shop.io")),
                distributed.toString());
    }

    /**
     * A size cap of 6 refuses one of three links of one event: single mode takes the new user id,
     * then the new device, and keeps the new anonymous id out (it comes last by priority). The
     * oldest cluster decided the offers as they came before 2026-12-03, and took the anonymous id
     * when its offer came first.
     */
    @Test
    void aRefusalAmongThreeProfilesOfOneEventFallsWhereSingleModePutsIt() {
        List<Message> stream =
                List.of(
                        new Message(
                                Map.of("anonymousId", "a0", "device", "d0", "email", "e0@shop.io"),
                                0),
                        new Message(Map.of("anonymousId", "a1", "email", "e0@shop.io"), 0),
                        new Message(
                                Map.of(
                                        "anonymousId",
                                        "a2",
                                        "device",
                                        "d1",
                                        "email",
                                        "e0@shop.io",
                                        "userId",
                                        "u0"),
                                0));
        Run single = Run.of(stream);
        assertEquals(
                Set.of(
                        Set.of(
                                "anonymous_id:a0",
                                "anonymous_id:a1",
                                "device_id:d0",
                                "device_id:d1",
                                "email:e0@shop.io",
                                "user_id:u0"),
                        Set.of("anonymous_id:a2")),
                single.partition());
        assertEquals(single.partition(), distributedPartition(single));
    }

    /** The admitted events of a single-mode run through distributed mode's protocol. */
    private static Set<Set<String>> distributedPartition(Run single) {
        List<ProtocolRun.Input> inputs = new ArrayList<>();
        for (CustomerEvent event : single.admitted) {
            // highest priority first, as the route sends them
            List<Identifier> identifiers = new ArrayList<>(event.identifiers());
            identifiers.sort(
                    java.util.Comparator.comparingInt(id -> RULES.type(id.type()).priority()));
            inputs.add(
                    new ProtocolRun.Input(
                            event.messageId(),
                            identifiers.stream().map(IdentityKeys::of).toList(),
                            event.eventTime(),
                            1));
        }
        return ProtocolRun.partitionStepByStep(inputs, RULES);
    }

    @Provide
    Arbitrary<List<Message>> streams() {
        Arbitrary<String> users = Arbitraries.of("u0", "u1", "u2", "u3");
        Arbitrary<String> emails =
                Arbitraries.of("e0@shop.io", "E1@Shop.io", "e2@shop.io", "test@test.com");
        Arbitrary<String> anonymous =
                Arbitraries.of(
                        "a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "null", "undefined", "0");
        Arbitrary<String> devices =
                Arbitraries.of("d0", "d1", "kiosk", "00000000-0000-0000-0000-000000000000");
        Arbitrary<Map<String, String>> fields =
                Combinators.combine(
                                users.injectNull(0.7),
                                emails.injectNull(0.6),
                                anonymous.injectNull(0.2),
                                devices.injectNull(0.6))
                        .as(
                                (user, email, anon, device) -> {
                                    Map<String, String> map = new TreeMap<>();
                                    if (user != null) map.put("userId", user);
                                    if (email != null) map.put("email", email);
                                    if (anon != null) map.put("anonymousId", anon);
                                    if (device != null) map.put("device", device);
                                    return map;
                                });
        Arbitrary<Message> message =
                Combinators.combine(fields, Arbitraries.integers().between(0, 600))
                        .as(Message::new);
        return message.list()
                .ofMinSize(1)
                .ofMaxSize(40)
                .map(IdentityPropertiesTest::withDuplicates);
    }

    /** Redeliveries: some messages appear twice, as an at-least-once producer sends them. */
    private static List<Message> withDuplicates(List<Message> messages) {
        List<Message> out = new ArrayList<>(messages);
        for (int i = 0; i < messages.size(); i += 7) {
            out.add(Math.min(out.size(), i + 3), messages.get(i));
        }
        return out;
    }

    /** Tight limits, so rules fire often: two emails, a size cap of 6, quarantine after 2. */
    private static IdentityRules tightRules() {
        Configuration conf = new Configuration();
        conf.set(IdentityOptions.PROFILE_SIZE_CAP, 6);
        conf.set(IdentityOptions.QUARANTINE_AFTER, 2);
        conf.set(
                IdentityOptions.TYPE_LIMITS,
                Map.of(
                        "user_id",
                        "1",
                        "email",
                        "2",
                        "anonymous_id",
                        "50",
                        "device_id",
                        "10",
                        "other",
                        "10"));
        return IdentitySettings.from(conf).rules();
    }

    /** One run of a stream through parser, dedup and graph, with what it emitted. */
    private static final class Run {
        final InMemoryGraphStore store = new InMemoryGraphStore();
        final List<CustomerEvent> admitted = new ArrayList<>();
        final List<Resolution> resolutions = new ArrayList<>();
        final List<ProfileMerged> merges = new ArrayList<>();
        final List<RejectedLink> rejections = new ArrayList<>();

        static Run of(List<Message> stream) {
            Run run = new Run();
            IdentityGraph graph = new IdentityGraph(RULES, run.store, "t");
            Set<String> seen = new HashSet<>();
            for (Message message : stream) {
                CustomerEvent event = parse(message);
                // The ingest stage drops redelivered messageIds before identity sees them.
                if (event == null || !seen.add(event.messageId())) {
                    continue;
                }
                run.admitted.add(event);
                Resolution resolution = graph.resolve(event, IdentifyTraits.of(event));
                run.resolutions.add(resolution);
                run.merges.addAll(resolution.merges());
                run.rejections.addAll(resolution.rejections());
            }
            return run;
        }

        private static CustomerEvent parse(Message message) {
            StringBuilder json = new StringBuilder("{\"type\":\"track\",\"event\":\"E\"");
            Map<String, String> f = message.fields();
            if (f.containsKey("userId"))
                json.append(",\"userId\":\"").append(f.get("userId")).append('"');
            if (f.containsKey("anonymousId")) {
                json.append(",\"anonymousId\":\"").append(f.get("anonymousId")).append('"');
            }
            json.append(",\"context\":{");
            json.append("\"traits\":{")
                    .append(f.containsKey("email") ? "\"email\":\"" + f.get("email") + "\"" : "")
                    .append('}');
            json.append(",\"device\":{")
                    .append(f.containsKey("device") ? "\"id\":\"" + f.get("device") + "\"" : "")
                    .append("}}");
            json.append(",\"messageId\":\"")
                    .append(f)
                    .append('@')
                    .append(message.minute())
                    .append('"');
            json.append(",\"timestamp\":\"")
                    .append(T0.plusSeconds(60L * message.minute()))
                    .append("\"}");
            List<IngestRecord> out = new ArrayList<>();
            PARSER.parse(
                    new RawRecord(
                            null,
                            json.toString().getBytes(StandardCharsets.UTF_8),
                            "t",
                            0,
                            0,
                            null),
                    out::add);
            return out.get(0).isAccepted() ? out.get(0).event() : null;
        }

        void checkInvariants() {
            Set<String> admittedIds = new TreeSet<>();
            admitted.forEach(
                    e -> e.identifiers().forEach(id -> admittedIds.add(IdentityKeys.of(id))));
            // 1. Every admitted identifier maps to exactly one live profile, and is its member.
            assertEquals(admittedIds, store.directory().keySet());
            Map<String, String> owner = new HashMap<>();
            for (ProfileState profile : store.profiles.values()) {
                for (String id : profile.identifiers) {
                    assertNull(owner.put(id, profile.id), "in two profiles: " + id);
                }
            }
            for (String id : admittedIds) {
                ProfileState profile = store.profileOf(id);
                assertNotNull(profile, id);
                assertEquals(profile.id, owner.get(id), id + " is a member of its profile");
            }
            // 3. Co-occurring identifiers apart: a rule forbids the merge, or one is quarantined.
            for (CustomerEvent event : admitted) {
                for (Identifier x : event.identifiers()) {
                    for (Identifier y : event.identifiers()) {
                        ProfileState px = store.profileOf(IdentityKeys.of(x));
                        ProfileState py = store.profileOf(IdentityKeys.of(y));
                        if (px != py && !quarantined(x) && !quarantined(y)) {
                            assertNotNull(RULES.refuseMerge(px, py), x + " and " + y + " apart");
                        }
                    }
                }
            }
            // 4. Unique types, limits and the size cap hold.
            for (ProfileState profile : store.profiles.values()) {
                assertTrue(profile.count("user_id") <= 1, profile.toString());
                assertTrue(profile.count("email") <= 2, profile.toString());
                assertTrue(profile.size() <= RULES.sizeCap(), profile.toString());
            }
            // 5. Blocked identifiers never enter the graph.
            assertTrue(
                    store.directory().keySet().stream()
                            .noneMatch(
                                    k ->
                                            k.endsWith(":null")
                                                    || k.endsWith(":undefined")
                                                    || k.endsWith(":0")
                                                    || k.contains("test@test.com")
                                                    || k.contains("00000000-")));
            // 6. Every admitted message is counted once, in a live profile.
            assertEquals(
                    admitted.size(),
                    store.profiles.values().stream().mapToLong(p -> p.eventCount).sum());
            // 7. Forward chains strictly decrease in age order and end at a live profile.
            for (String loser : store.forwards.keySet()) {
                String current = loser;
                int hops = 0;
                while (store.forwards.containsKey(current)) {
                    String next = store.forwards.get(current);
                    assertTrue(createdAt(next) <= createdAt(current), current + " -> " + next);
                    current = next;
                    assertTrue(++hops <= store.forwards.size(), "a cycle");
                }
                assertNotNull(store.profiles.get(current));
            }
            // 8. A profile is absorbed at most once.
            Set<String> losers = new HashSet<>();
            merges.forEach(m -> assertTrue(losers.add(m.loser()), "absorbed twice: " + m.loser()));
            // 9. Every profile id ever emitted resolves through the alias log to a live profile.
            Map<String, String> alias = new HashMap<>();
            merges.forEach(m -> alias.put(m.loser(), m.winner()));
            for (Resolution resolution : resolutions) {
                Set<String> emitted = new HashSet<>(resolution.created());
                emitted.add(resolution.profileId());
                for (String id : emitted) {
                    String current = id;
                    while (alias.containsKey(current)) {
                        current = alias.get(current);
                    }
                    assertNotNull(store.profiles.get(current), id + " resolves to a live profile");
                }
            }
            assertEquals(admitted.isEmpty(), store.profiles.isEmpty());
        }

        private boolean quarantined(Identifier id) {
            DirectoryEntry entry = store.directory().get(IdentityKeys.of(id));
            return entry != null && entry.quarantined;
        }

        private long createdAt(String profileId) {
            return store.createdAt.get(profileId);
        }

        /** The partition of identifiers into live profiles. */
        Set<Set<String>> partition() {
            Set<Set<String>> partition = new HashSet<>();
            for (ProfileState profile : store.profiles.values()) {
                Set<String> members = new TreeSet<>();
                members.addAll(profile.identifiers);
                partition.add(members);
            }
            return partition;
        }

        /** Events per profile, by the profile's identifiers. */
        Map<Set<String>, Long> counts() {
            Map<Set<String>, Long> counts = new HashMap<>();
            for (ProfileState profile : store.profiles.values()) {
                Set<String> members = new TreeSet<>();
                members.addAll(profile.identifiers);
                counts.put(members, profile.eventCount);
            }
            return counts;
        }

        /** The oracle: connected components of the co-occurrence graph, by union-find. */
        Set<Set<String>> oraclePartition() {
            return new HashSet<>(oracle().values());
        }

        Map<Set<String>, Long> oracleCounts() {
            Map<String, Set<String>> components = oracle();
            Map<Set<String>, Long> counts = new HashMap<>();
            for (CustomerEvent event : admitted) {
                Set<String> component = components.get(IdentityKeys.of(event.identifiers().get(0)));
                counts.merge(component, 1L, Long::sum);
            }
            return counts;
        }

        private Map<String, Set<String>> oracle() {
            Map<String, String> parent = new HashMap<>();
            for (CustomerEvent event : admitted) {
                String first = IdentityKeys.of(event.identifiers().get(0));
                parent.putIfAbsent(first, first);
                for (Identifier id : event.identifiers()) {
                    String key = IdentityKeys.of(id);
                    parent.putIfAbsent(key, key);
                    parent.put(find(parent, key), find(parent, first));
                }
            }
            Map<String, Set<String>> byRoot = new HashMap<>();
            for (String key : parent.keySet()) {
                byRoot.computeIfAbsent(find(parent, key), r -> new TreeSet<>()).add(key);
            }
            Map<String, Set<String>> component = new HashMap<>();
            byRoot.values().forEach(set -> set.forEach(key -> component.put(key, set)));
            return component;
        }

        private static String find(Map<String, String> parent, String key) {
            String root = key;
            while (!parent.get(root).equals(root)) {
                root = parent.get(root);
            }
            return root;
        }
    }
}
