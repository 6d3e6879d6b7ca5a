package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Sequence memberships: entries, ttl, exitOn, and pausing or deleting through the control topic.
 */
class SequenceMembershipFunctionTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void pausingOrDeletingAnAudienceExitsItsMembersAtOnceAndStopsEntries() throws Exception {
        SequenceDefinition cart = cartAbandoner();
        try (var harness = harness(cart)) {
            harness.processElement(match("p1", "2025-02-01T10:30:00Z"), ms("2025-02-01T10:30:00Z"));
            harness.processElement(match("p2", "2025-02-01T10:40:00Z"), ms("2025-02-01T10:40:00Z"));
            assertEquals(List.of(), drain(harness), "a match waits for the watermark");
            harness.processWatermark(ms("2025-02-01T10:40:00Z"));
            assertEquals(
                    List.of("p1 Entered sequence_match", "p2 Entered sequence_match"),
                    drain(harness));

            harness.processWatermark(ms("2025-02-01T11:00:00Z"));
            harness.processBroadcastElement(control(2, "paused"), ms("2025-02-01T11:00:00Z"));
            assertEquals(
                    List.of("p1 Exited definition_change", "p2 Exited definition_change"),
                    drain(harness).stream().sorted().toList());

            harness.processElement(match("p3", "2025-02-01T11:30:00Z"), ms("2025-02-01T11:30:00Z"));
            harness.processWatermark(ms("2025-02-01T11:30:00Z"));
            assertEquals(List.of(), drain(harness), "a paused audience takes no one in");

            harness.processBroadcastElement(control(1, "active"), ms("2025-02-01T11:30:00Z"));
            harness.processElement(match("p3", "2025-02-01T11:40:00Z"), ms("2025-02-01T11:40:00Z"));
            harness.processWatermark(ms("2025-02-01T11:40:00Z"));
            assertEquals(List.of(), drain(harness), "a stale version changes nothing");

            harness.processBroadcastElement(control(3, "active"), ms("2025-02-01T11:40:00Z"));
            harness.processElement(match("p3", "2025-02-01T11:50:00Z"), ms("2025-02-01T11:50:00Z"));
            harness.processWatermark(ms("2025-02-01T11:50:00Z"));
            assertEquals(List.of("p3 Entered sequence_match"), drain(harness), "active again");

            harness.processBroadcastElement(
                    new DefinitionUpdate("audience/cart_abandoner_30m", null),
                    ms("2025-02-01T12:00:00Z"));
            assertEquals(List.of("p3 Exited definition_change"), drain(harness), "deleted");
        }
    }

    @Test
    void appliesMatchesExitEventsAndExpiriesInEventTimeOrderWhateverOrderTheyArriveIn()
            throws Exception {
        SequenceDefinition cart = cartAbandoner(); // ttl P1D, exitOn Order Completed
        try (var harness = harness(cart)) {
            // The order reaches the operator straight from identity, the match only once the
            // CEP operator's watermark passed it: the exit event arrives first.
            harness.processElement(order("p1", "2025-02-01T11:00:00Z"), ms("2025-02-01T11:00:00Z"));
            harness.processElement(match("p1", "2025-02-01T10:30:00Z"), ms("2025-02-01T10:30:00Z"));
            harness.processWatermark(ms("2025-02-01T11:00:00Z"));
            assertEquals(
                    List.of("p1 Entered sequence_match", "p1 Exited exit_event"), drain(harness));

            // A new match after the ttl ran out, before the watermark fired the expiry.
            harness.processElement(match("p2", "2025-02-01T11:30:00Z"), ms("2025-02-01T11:30:00Z"));
            harness.processWatermark(ms("2025-02-01T11:30:00Z"));
            assertEquals(List.of("p2 Entered sequence_match"), drain(harness));
            harness.processElement(match("p2", "2025-02-03T09:00:00Z"), ms("2025-02-03T09:00:00Z"));
            harness.processWatermark(ms("2025-02-03T09:00:00Z"));
            assertEquals(
                    List.of("p2 Exited ttl", "p2 Entered sequence_match"),
                    drain(harness),
                    "an expiry and a re-entry: two transitions, not none");
        }
    }

    @Test
    void aMatchBehindTheWatermarkAppliesAtOnceWithoutWaitingForAnotherWatermark() throws Exception {
        // After a restore the sources go idle, and when the closing records come, the exit events'
        // channel can carry the operator's watermark past the CEP timeouts before the CEP
        // subtask's channel is active again: its matches then arrive behind the watermark, and
        // no later watermark may ever come.
        SequenceDefinition cart = cartAbandoner(); // ttl P1D
        try (var harness = harness(cart)) {
            harness.processElement(match("p1", "2025-02-01T10:00:00Z"), ms("2025-02-01T10:00:00Z"));
            harness.processWatermark(ms("2025-02-01T10:00:00Z"));
            assertEquals(List.of("p1 Entered sequence_match"), drain(harness));

            harness.processWatermark(ms("2025-02-03T00:00:00Z"));
            assertEquals(List.of("p1 Exited ttl"), drain(harness), "the ttl ran out");

            harness.processElement(match("p2", "2025-02-02T12:00:00Z"), ms("2025-02-02T12:00:00Z"));
            harness.processElement(match("p3", "2025-02-01T12:00:00Z"), ms("2025-02-01T12:00:00Z"));
            assertEquals(
                    List.of(
                            "p2 Entered sequence_match",
                            "p3 Entered sequence_match",
                            "p3 Exited ttl"),
                    drain(harness),
                    "late matches enter, and an expiry already due follows them");
            harness.processWatermark(ms("2025-02-04T00:00:00Z"));
            assertEquals(List.of("p2 Exited ttl"), drain(harness));
        }
    }

    /** An order, as it reaches the membership operator: the exit it causes (exitOn). */
    private static SequenceInput order(String profile, String at) throws Exception {
        List<SequenceInput> exits = new ArrayList<>();
        new ExitCandidates(List.of(cartAbandoner(), viewedThree()))
                .flatMap(
                        new ResolvedEvent(
                                profile,
                                new CustomerEvent(
                                        "m-" + profile + at,
                                        "track",
                                        "Order Completed",
                                        ms(at),
                                        List.of(new Identifier("user_id", profile)),
                                        null,
                                        "{\"type\":\"track\",\"event\":\"Order Completed\"}",
                                        CustomerEvent.DEFAULT_TENANT)),
                        new ListCollector<>(exits));
        assertEquals(1, exits.size(), "only cart_abandoner_30m exits on an order");
        return exits.get(0);
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, SequenceInput, DefinitionUpdate, AudienceTransition>
            harness(SequenceDefinition sequence) throws Exception {
        var harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(
                                new SequenceMembershipFunction(
                                        Map.of(sequence.id(), sequence), Long.MAX_VALUE),
                                List.of(SequenceMembershipFunction.CONTROL)),
                        SequenceInput::profileId,
                        Types.STRING,
                        128,
                        1,
                        0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    private static List<String> drain(
            KeyedBroadcastOperatorTestHarness<
                            String, SequenceInput, DefinitionUpdate, AudienceTransition>
                    h) {
        List<String> lines =
                h.extractOutputValues().stream()
                        .map(
                                t ->
                                        t.profileId()
                                                + " "
                                                + (t.entered() ? "Entered " : "Exited ")
                                                + t.trigger())
                        .toList();
        h.getOutput().clear();
        return lines;
    }

    private static SequenceInput match(String profile, String at) {
        return SequenceInput.of(new SequenceMatch(profile, "cart_abandoner_30m", ms(at)));
    }

    private static DefinitionUpdate control(int version, String status) throws Exception {
        String json =
                new String(
                        java.nio.file.Files.readAllBytes(
                                Path.of("src/test/resources/acceptance/a2-definitions.json")));
        var definition =
                (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(json).get(0);
        definition.put("version", version).put("status", status);
        return new DefinitionUpdate("audience/cart_abandoner_30m", definition.toString());
    }

    private static SequenceDefinition cartAbandoner() throws Exception {
        return SequenceDefinition.of(
                JSON.readTree(Path.of("src/test/resources/acceptance/a2-definitions.json").toFile())
                        .get(0));
    }

    /** A sequence without exitOn: an order ends none of its memberships. */
    private static SequenceDefinition viewedThree() throws Exception {
        return SequenceDefinition.of(
                JSON.readTree(
                        """
                        {"schema":"cdp.definition/v1","kind":"audience","id":"viewed_three",
                         "version":1,"status":"active","type":"sequence",
                         "sequence":{"steps":[{"name":"views","times":{"min":3,"max":3},
                           "match":{"field":"event.name","op":"eq","value":"Product Viewed"}}],
                           "within":"PT1H"},
                         "membership":{"ttl":"P1D"}}\
                        """));
    }

    private static long ms(String time) {
        return Instant.parse(time).toEpochMilli();
    }
}
