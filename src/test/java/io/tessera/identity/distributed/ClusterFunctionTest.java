package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.IdentitySettings;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.SingleModeIdentityFunction;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.DefinitionsBroadcast;
import io.tessera.profile.ProfileSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The Cluster operator's outputs around one step of the protocol. */
class ClusterFunctionTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);

    /** Founded by the login at 60 s (its email, new with it). */
    private final ClusterId email = new ClusterId(60_000, "email:e1@shop.io");

    private final ClusterId web = new ClusterId(1_000, "anonymous_id:a1");

    /**
     * A new cluster holds a later event and a later link until its founding event comes; then it
     * credits both events and goes on offer to the link's winner, in one step. The two events were
     * credited to its profile (its state goes to the winner with the offer), so they go on to
     * activation and the sequences as resolved events, as every credited event does: none is
     * dropped because the cluster is on offer when the step ends.
     */
    @Test
    void eventsCreditedInAStepThatEndsOnOfferGoOnAsResolved() throws Exception {
        try (var harness = open()) {
            send(harness, new Message.Init<>(email.founder(), null, 0), 60_000);
            send(harness, new Message.Contribute<>("later", event("later", 120_000)), 120_000);
            send(harness, new Message.Link<>(web, List.of(), null, null, 130_000L), 130_000);
            assertTrue(resolved(harness).isEmpty(), "held until the founding event");

            send(harness, new Message.Contribute<>("login", event("login", 60_000)), 60_000);

            assertEquals(List.of("login", "later"), resolved(harness));
            List<String> sent = new ArrayList<>();
            for (Routed routed : harness.extractOutputValues()) {
                if (routed.isFor(Actor.PROGRESS)) {
                    continue; // what the step settled, for the Clusters' event time
                }
                sent.add(CODEC.decode(routed.record).message().getClass().getSimpleName());
            }
            assertTrue(sent.contains("Offer"), "on offer to the web profile: " + sent);
            assertTrue(
                    harness.getSideOutput(ClusterFunction.LEFT_UNRESOLVED) == null
                            || harness.getSideOutput(ClusterFunction.LEFT_UNRESOLVED).isEmpty(),
                    "no event counted as leaving unresolved");
        }
    }

    /**
     * A job started afresh gives profile ids of the short form, and so does one restored from its
     * own savepoint; one restored from a savepoint of the releases before (no {@code
     * profile-id-form} state) keeps giving their timed form, since a cluster's profile id is
     * derived again whenever it is needed.
     */
    @Test
    void aJobUpgradedFromASavepointOfTheReleasesBeforeKeepsGivingTimedProfileIds()
            throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = open()) {
            send(harness, email, new Message.Init<>(email.founder(), null, 0), 60_000);
            send(harness, email, new Message.Contribute<>("login", event("login", 60_000)), 60_000);
            assertEquals(List.of(TenantKeys.profileId(email)), profileIds(harness));
            assertEquals(15, TenantKeys.profileId(email).length());
            snapshot = harness.snapshot(1, 60_000);
        }
        try (var harness = open(snapshot)) {
            send(harness, web, new Message.Init<>(web.founder(), null, 0), 1_000);
            send(harness, web, new Message.Contribute<>("page", event("page", 1_000)), 1_000);
            assertEquals(List.of(TenantKeys.profileId(web)), profileIds(harness), "its own");
        }
        OperatorSubtaskState before =
                OperatorSubtaskState.builder()
                        .setManagedKeyedState(snapshot.getManagedKeyedState())
                        .build();
        try (var harness = open(before)) {
            send(harness, web, new Message.Init<>(web.founder(), null, 0), 1_000);
            send(harness, web, new Message.Contribute<>("page", event("page", 1_000)), 1_000);
            assertEquals(List.of(TenantKeys.timedProfileId(web)), profileIds(harness), "before");
        }
        assertEquals(false, ClusterFunction.givesTimedIds(true, List.of("short", "short")));
        assertThrows(
                IllegalStateException.class,
                () -> ClusterFunction.givesTimedIds(true, List.of("uuid")),
                "a form this release does not know");
    }

    private static List<String> profileIds(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness) {
        return resolvedEvents(harness).stream().map(ResolvedEvent::profileId).toList();
    }

    /**
     * What a cluster settles goes to the Clusters' event time ({@link ClusterWatermarks}): an event
     * credited leaves; an event held for its order counts as settled while it waits (this cluster's
     * own event time releases it), and when it is credited after all it is not counted twice.
     */
    @Test
    void anEventHeldForItsOrderCountsAsSettledOnceWhileItWaits() throws Exception {
        try (var harness = open()) {
            send(harness, new Message.Init<>(email.founder(), "k", 1), 60_000);
            send(harness, new Message.Contribute<>("login", event("login", 60_000, 1)), 60_000);
            send(harness, new Message.Contribute<>("third", event("third", 80_000, 3)), 80_000);
            assertEquals(List.of("login"), resolved(harness));
            assertEquals(Map.of(60_000L, -1L, 80_000L, -1L), settled(harness), "held: settled");

            send(harness, new Message.Contribute<>("second", event("second", 70_000, 2)), 70_000);
            assertEquals(List.of("login", "second", "third"), resolved(harness));
            assertEquals(
                    Map.of(60_000L, -1L, 70_000L, -1L, 80_000L, -1L),
                    settled(harness),
                    "each event settled once");
        }
    }

    /**
     * An event released by another event's step leaves the Cluster stamped with that step's record
     * time (a side output's timestamp is the input's), and {@link AtEventTime}, chained after it,
     * gives every resolved event its own event time back: the sequences' CEP orders and judges the
     * events of a profile by it.
     */
    @Test
    void resolvedEventsGoOnAtTheirOwnEventTime() throws Exception {
        List<StreamRecord<ResolvedEvent>> credited = new ArrayList<>();
        try (var harness = open()) {
            send(harness, new Message.Init<>(email.founder(), "k", 1), 60_000);
            send(harness, new Message.Contribute<>("login", event("login", 60_000, 1)), 60_000);
            send(harness, new Message.Contribute<>("third", event("third", 80_000, 3)), 80_000);
            send(harness, new Message.Contribute<>("second", event("second", 70_000, 2)), 70_000);
            harness.getSideOutput(ClusterFunction.RESOLVED).forEach(credited::add);
        }
        assertEquals(
                List.of(60_000L, 70_000L, 70_000L),
                credited.stream().map(StreamRecord::getTimestamp).toList(),
                "third, held for second, was credited in second's step");
        try (var stamps = new OneInputStreamOperatorTestHarness<>(new AtEventTime())) {
            stamps.open();
            for (StreamRecord<ResolvedEvent> record : credited) {
                stamps.processElement(record);
            }
            assertEquals(
                    List.of("login@60000", "second@70000", "third@80000"),
                    stamps.extractOutputStreamRecords().stream()
                            .map(r -> r.getValue().event().messageId() + "@" + r.getTimestamp())
                            .toList());
        }
    }

    /**
     * The sum of what the cluster counted as settled, by event time (entries that sum to 0 too).
     */
    private static Map<Long, Long> settled(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness) {
        Map<Long, Long> sums = new java.util.TreeMap<>();
        for (Routed routed : harness.extractOutputValues()) {
            if (!routed.isFor(Actor.PROGRESS)) {
                continue;
            }
            LoopProgress progress = LoopProgress.fromRecord(routed.record);
            for (int i = 0; i < progress.times.length; i++) {
                sums.merge(progress.times[i], (long) progress.deltas[i], Long::sum);
            }
        }
        sums.values().removeIf(sum -> sum == 0);
        return sums;
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
            open() throws Exception {
        return open(null);
    }

    private static KeyedBroadcastOperatorTestHarness<
                    String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
            open(OperatorSubtaskState restoreFrom) throws Exception {
        IdentitySettings identity = IdentitySettings.from(new Configuration());
        var harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        DefinitionsBroadcast.operator(
                                new ClusterFunction(
                                        MergeRules.of(identity.rules()),
                                        identity.rules(),
                                        CODEC,
                                        ProfileSettings.none()),
                                SingleModeIdentityFunction.DEFINITIONS),
                        (Routed r) -> r.key,
                        Types.STRING,
                        128,
                        1,
                        0);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }

    private void send(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness,
            Message<CustomerEvent, ProfileState> message,
            long at)
            throws Exception {
        send(harness, email, message, at);
    }

    private static void send(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness,
            ClusterId cluster,
            Message<CustomerEvent, ProfileState> message,
            long at)
            throws Exception {
        Address to = Address.cluster(cluster);
        harness.processElement(new StreamRecord<>(new Routed(to, CODEC.encode(to, message)), at));
    }

    private static List<String> resolved(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness) {
        return resolvedEvents(harness).stream().map(r -> r.event().messageId()).toList();
    }

    private static List<ResolvedEvent> resolvedEvents(
            KeyedBroadcastOperatorTestHarness<
                            String, Routed, io.tessera.definitions.DefinitionUpdate, Routed>
                    harness) {
        List<ResolvedEvent> resolved = new ArrayList<>();
        var out = harness.getSideOutput(ClusterFunction.RESOLVED);
        if (out != null) {
            for (StreamRecord<ResolvedEvent> record : out) {
                resolved.add(record.getValue());
            }
        }
        return resolved;
    }

    private static CustomerEvent event(String id, long time, long orderPosition) {
        CustomerEvent event = event(id, time);
        event.orderKey = "k";
        event.orderPosition = orderPosition;
        return event;
    }

    private static CustomerEvent event(String id, long time) {
        return new CustomerEvent(
                id,
                "track",
                "Product Viewed",
                time,
                List.of(new Identifier("email", "e1@shop.io")),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }
}
