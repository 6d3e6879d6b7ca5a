package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.ProfileSettings;
import io.tessera.tools.IdentityOperatorHarness;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * The profile stage in the operator (RocksDB, watermarks driving time): acceptance A1 and A3,
 * wake-ups by timer, and a snapshot and restore in the middle of a window.
 */
class ProfileStageTest {
    private static final Path A1 = Path.of("src/test/resources/acceptance/a1-definitions.json");
    private static final Path A3 = Path.of("src/test/resources/acceptance/a3-definitions.json");
    private static final Path SCORE = Path.of("src/test/resources/score-definitions.json");

    @Test
    void entersOnAnEventAndExitsByTimerNeverEarlyAsAcceptanceA1() throws Exception {
        try (var harness = harness(A1, null)) {
            harness.processElement(
                    order("1", "2025-01-01T10:00:00Z", 300), ms("2025-01-01T10:00:00Z"));
            assertEquals(List.of(), transitions(harness));
            assertEquals(1, traits(harness).get("orders_30d").asLong());
            assertEquals(300.0, traits(harness).get("revenue_90d").asDouble());

            harness.processElement(
                    order("2", "2025-01-06T10:00:00Z", 250), ms("2025-01-06T10:00:00Z"));
            assertEquals(
                    List.of("Entered high_value_recent event 2025-01-06T10:00:00Z"),
                    transitions(harness));
            assertEquals(550.0, traits(harness).get("revenue_90d").asDouble());

            harness.processWatermark(ms("2025-01-31T10:59:00Z"));
            assertEquals(List.of(), transitions(harness), "never early");

            harness.processWatermark(ms("2025-01-31T11:00:00Z"));
            assertEquals(
                    List.of("Exited high_value_recent timer 2025-01-31T11:00:00Z"),
                    transitions(harness));
            assertEquals(1, traits(harness).get("orders_30d").asLong());
            assertEquals(550.0, traits(harness).get("revenue_90d").asDouble());
        }
    }

    @Test
    void keepsWindowsAndWakeUpsAcrossASnapshotMidWindow() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(A1, null)) {
            harness.processElement(
                    order("1", "2025-01-01T10:00:00Z", 300), ms("2025-01-01T10:00:00Z"));
            harness.processElement(
                    order("2", "2025-01-06T10:00:00Z", 250), ms("2025-01-06T10:00:00Z"));
            harness.processWatermark(ms("2025-01-10T00:00:00Z"));
            assertEquals(1, harness.numEventTimeTimers(), "one wake-up for the profile");
            snapshot = harness.snapshot(1L, 1L);
        }
        try (var restored = harness(A1, snapshot)) {
            assertEquals(1, restored.numEventTimeTimers(), "the wake-up survives the restore");
            restored.processWatermark(ms("2025-01-31T10:59:00Z"));
            assertEquals(List.of(), transitions(restored));
            restored.processWatermark(ms("2025-01-31T11:00:00Z"));
            assertEquals(
                    List.of("Exited high_value_recent timer 2025-01-31T11:00:00Z"),
                    transitions(restored));
            assertEquals(1, traits(restored).get("orders_30d").asLong());
        }
    }

    @Test
    void computesUniqueCountAndMostFrequentAsAcceptanceA3() throws Exception {
        try (var harness = harness(A3, null)) {
            process(
                    harness,
                    article("v1", "2025-03-01T08:00:00Z", "Article Viewed", "category", "sports"));
            assertTrue(traits(harness).get("top_category_30d") == null, "seen once: no value yet");
            process(
                    harness,
                    article(
                            "v2",
                            "2025-03-01T08:05:00Z",
                            "Article Viewed",
                            "category",
                            "politics"));
            process(
                    harness,
                    article("v3", "2025-03-01T08:10:00Z", "Article Viewed", "category", "sports"));
            assertEquals("sports", traits(harness).get("top_category_30d").asText());

            process(
                    harness,
                    article("c1", "2025-03-01T08:15:00Z", "Article Completed", "article_id", "a1"));
            process(
                    harness,
                    article("c2", "2025-03-01T09:00:00Z", "Article Completed", "article_id", "a2"));
            process(
                    harness,
                    article("c3", "2025-03-01T09:30:00Z", "Article Completed", "article_id", "a2"));
            assertEquals(2, traits(harness).get("articles_completed_7d").asLong());
            assertEquals(List.of(), transitions(harness), "not a member");

            process(
                    harness,
                    article("c4", "2025-03-02T07:00:00Z", "Article Completed", "article_id", "a3"));
            assertEquals(
                    List.of("Entered engaged_sports_fan event 2025-03-02T07:00:00Z"),
                    transitions(harness));

            harness.processWatermark(ms("2025-03-08T09:00:00Z"));
            assertEquals(
                    List.of("Exited engaged_sports_fan timer 2025-03-08T09:00:00Z"),
                    transitions(harness));
            assertEquals(2, traits(harness).get("articles_completed_7d").asLong());
        }
    }

    @Test
    void appliesLiveDefinitionChangesAsAcceptanceA5() throws Exception {
        try (var harness = harness(A1, null)) {
            harness.processElement(
                    order("1", "2025-01-01T10:00:00Z", 300), ms("2025-01-01T10:00:00Z"));
            harness.processElement(
                    order("2", "2025-01-06T10:00:00Z", 250), ms("2025-01-06T10:00:00Z"));
            harness.processElement(
                    order("u8", "8a", "2025-01-07T09:00:00Z", 700), ms("2025-01-07T09:00:00Z"));
            harness.processElement(
                    order("u8", "8b", "2025-01-08T09:00:00Z", 500), ms("2025-01-08T09:00:00Z"));
            List<String> entered = transitions(harness);
            assertEquals(
                    List.of(
                            "Entered high_value_recent event 2025-01-06T10:00:00Z",
                            "Entered high_value_recent event 2025-01-08T09:00:00Z"),
                    entered);

            harness.processWatermark(ms("2025-01-10T00:00:00Z"));
            harness.processBroadcastElement(audience(2, 1000), ms("2025-01-10T00:00:00Z"));
            List<AudienceTransition> v2 = raw(harness);
            assertEquals(1, v2.size(), "u1 leaves, u8 stays without an event: " + v2);
            assertEquals("definition_change", v2.get(0).trigger());
            assertEquals(2, v2.get(0).version());
            assertTrue(!v2.get(0).entered());

            harness.processBroadcastElement(audience(1, 500), ms("2025-01-10T00:00:00Z"));
            assertEquals(List.of(), transitions(harness), "a stale version is ignored");

            harness.processBroadcastElement(
                    new DefinitionUpdate("audience/high_value_recent", null),
                    ms("2025-01-10T00:00:00Z"));
            List<AudienceTransition> deleted = raw(harness);
            assertEquals(1, deleted.size(), "u8 leaves the deleted audience: " + deleted);
            assertEquals("definition_change", deleted.get(0).trigger());
            assertTrue(!deleted.get(0).entered());
        }
    }

    @Test
    void refusesAnInvalidLiveDefinitionWithItsReasonAndGoesOn() throws Exception {
        try (var harness = harness(A1, null)) {
            harness.processBroadcastElement(
                    new DefinitionUpdate(
                            "trait/bad",
                            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"bad\","
                                    + "\"version\":1,\"status\":\"active\",\"type\":\"median\"}"),
                    0L);
            harness.processBroadcastElement(
                    new DefinitionUpdate(
                            "audience/x_ref",
                            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"x_ref\","
                                + "\"version\":1,\"status\":\"active\",\"type\":\"rule\","
                                + "\"condition\":{\"field\":\"traits.nope\",\"op\":\"gt\",\"value\":1}}"),
                    0L);

            var rejected = harness.getSideOutput(IdentityOutputs.REJECTED_DEFINITIONS);
            assertEquals(2, rejected.size());
            assertTrue(rejected.peek().getValue().reason().contains("$.type"), rejected.toString());
            harness.processElement(
                    order("1", "2025-01-01T10:00:00Z", 300), ms("2025-01-01T10:00:00Z"));
            assertEquals(1, traits(harness).get("orders_30d").asLong(), "the job goes on");
        }
    }

    @Test
    void keepsAnonymousProfilesOutOfAnAudienceThatExcludesThem() throws Exception {
        try (var harness = harness(A1, null)) {
            harness.processBroadcastElement(identifiedOnly(), 0L);
            harness.processElement(
                    anonymousOrder("a", "2025-01-01T10:00:00Z"), ms("2025-01-01T10:00:00Z"));
            harness.processElement(
                    anonymousOrder("b", "2025-01-02T10:00:00Z"), ms("2025-01-02T10:00:00Z"));
            assertEquals(List.of(), transitions(harness), "anonymous: never a member");

            harness.processElement(
                    order("c", "2025-01-03T10:00:00Z", 300), ms("2025-01-03T10:00:00Z"));
            harness.processElement(
                    order("d", "2025-01-04T10:00:00Z", 300), ms("2025-01-04T10:00:00Z"));
            assertEquals(
                    List.of("Entered high_value_recent event 2025-01-04T10:00:00Z"),
                    transitions(harness),
                    "identified by a user id: a member");
        }
    }

    private static DefinitionUpdate identifiedOnly() {
        return new DefinitionUpdate(
                "audience/high_value_recent",
                "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"high_value_recent\","
                    + "\"version\":3,\"status\":\"active\",\"type\":\"rule\",\"includeAnonymous\":false,"
                    + "\"condition\":{\"field\":\"traits.orders_30d\",\"op\":\"gte\",\"value\":2}}");
    }

    private static CustomerEvent anonymousOrder(String id, String time) {
        return new CustomerEvent(
                id,
                "track",
                "Order Completed",
                ms(time),
                List.of(new Identifier("anonymous_id", "anon-1")),
                null,
                "{\"type\":\"track\",\"event\":\"Order"
                        + " Completed\",\"properties\":{\"revenue\":300}}",
                CustomerEvent.DEFAULT_TENANT);
    }

    @Test
    void aDeletedPersonLeavesItsAudiences() throws Exception {
        try (var harness = harness(A1, null)) {
            harness.processElement(
                    order("1", "2025-01-01T10:00:00Z", 300), ms("2025-01-01T10:00:00Z"));
            harness.processElement(
                    order("2", "2025-01-06T10:00:00Z", 250), ms("2025-01-06T10:00:00Z"));
            transitions(harness);

            harness.processElement(
                    new CustomerEvent(
                            "d",
                            "delete",
                            null,
                            ms("2025-01-07T00:00:00Z"),
                            List.of(new Identifier("user_id", "u1")),
                            null,
                            "{\"type\":\"delete\"}",
                            CustomerEvent.DEFAULT_TENANT),
                    ms("2025-01-07T00:00:00Z"));

            assertEquals(
                    List.of("Exited high_value_recent event 2025-01-07T00:00:00Z"),
                    transitions(harness));
        }
    }

    @Test
    void wakesWhenADecayedScoreFallsBelowAThreshold() throws Exception {
        try (var harness = harness(SCORE, null)) {
            for (int i = 0; i < 4; i++) {
                harness.processElement(
                        order(String.valueOf(i), "2025-01-01T10:00:00Z", 10),
                        ms("2025-01-01T10:00:00Z"));
            }
            assertEquals(
                    List.of("Entered engaged event 2025-01-01T10:00:00Z"), transitions(harness));

            // 4 decays to 3 after log2(4/3) half-lives of a day: 9 h 57 min 39 s, woken at 9 h 58.
            harness.processWatermark(ms("2025-01-01T19:57:00Z"));
            assertEquals(List.of(), transitions(harness), "never early");
            harness.processWatermark(ms("2025-01-01T19:58:00Z"));
            assertEquals(
                    List.of("Exited engaged timer 2025-01-01T19:58:00Z"), transitions(harness));
        }
    }

    private static DefinitionUpdate audience(int version, int revenue) {
        return new DefinitionUpdate(
                "audience/high_value_recent",
                "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"high_value_recent\","
                    + "\"version\":"
                        + version
                        + ",\"status\":\"active\",\"type\":\"rule\","
                        + "\"name\":\"High value, recent\",\"condition\":{\"all\":["
                        + "{\"field\":\"traits.revenue_90d\",\"op\":\"gte\",\"value\":"
                        + revenue
                        + "},"
                        + "{\"field\":\"traits.orders_30d\",\"op\":\"gte\",\"value\":2}]}}");
    }

    private static List<AudienceTransition> raw(
            KeyedBroadcastOperatorTestHarness<
                            String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                    harness) {
        List<AudienceTransition> all = new ArrayList<>();
        var queue = harness.getSideOutput(IdentityOutputs.AUDIENCE_TRANSITIONS);
        if (queue != null) {
            queue.forEach(r -> all.add(r.getValue()));
            queue.clear();
        }
        return all;
    }

    private static void process(
            KeyedBroadcastOperatorTestHarness<
                            String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                    harness,
            CustomerEvent event)
            throws Exception {
        harness.processElement(event, event.eventTime());
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
            harness(Path definitions, OperatorSubtaskState restoreFrom) throws Exception {
        return IdentityOperatorHarness.open(
                IdentityFixtures.SETTINGS,
                ProfileSettings.load(definitions),
                new EmbeddedRocksDBStateBackend(),
                restoreFrom);
    }

    /** The transitions emitted since the last call, as readable lines. */
    private static List<String> transitions(
            KeyedBroadcastOperatorTestHarness<
                            String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                    harness) {
        List<String> lines = new ArrayList<>();
        var queue = harness.getSideOutput(IdentityOutputs.AUDIENCE_TRANSITIONS);
        if (queue != null) {
            for (Object record : queue) {
                @SuppressWarnings("unchecked")
                AudienceTransition t = ((StreamRecord<AudienceTransition>) record).getValue();
                lines.add(
                        (t.entered() ? "Entered " : "Exited ")
                                + t.audienceId()
                                + " "
                                + t.trigger()
                                + " "
                                + Instant.ofEpochMilli(t.at()));
            }
            queue.clear();
        }
        return lines;
    }

    /** The computed traits of the latest profile snapshot. */
    private static JsonNode traits(
            KeyedBroadcastOperatorTestHarness<
                            String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
                    harness) {
        ProfileUpdate last = null;
        for (Object record : harness.getSideOutput(IdentityOutputs.PROFILES)) {
            @SuppressWarnings("unchecked")
            ProfileUpdate update = ((StreamRecord<ProfileUpdate>) record).getValue();
            last = update;
        }
        return IdentityJson.profile(last.snapshot()).get("computedTraits");
    }

    private static CustomerEvent order(String id, String time, int revenue) {
        return order("u1", id, time, revenue);
    }

    private static CustomerEvent order(String user, String id, String time, int revenue) {
        return new CustomerEvent(
                id,
                "track",
                "Order Completed",
                ms(time),
                List.of(new Identifier("user_id", user)),
                null,
                "{\"type\":\"track\",\"event\":\"Order Completed\",\"properties\":{\"revenue\":"
                        + revenue
                        + "}}",
                CustomerEvent.DEFAULT_TENANT);
    }

    private static CustomerEvent article(
            String id, String time, String name, String property, String value) {
        return event(id, time, name, "{\"" + property + "\":\"" + value + "\"}");
    }

    private static CustomerEvent event(String id, String time, String name, String properties) {
        return new CustomerEvent(
                id,
                "track",
                name,
                ms(time),
                List.of(new Identifier("user_id", "u1")),
                null,
                "{\"type\":\"track\",\"event\":\"" + name + "\",\"properties\":" + properties + "}",
                CustomerEvent.DEFAULT_TENANT);
    }

    private static long ms(String time) {
        return Instant.parse(time).toEpochMilli();
    }
}
