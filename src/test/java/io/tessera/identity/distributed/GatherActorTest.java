package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where the Gather sends an event's clusters once every identifier has answered. */
class GatherActorTest {
    private static final long T = 1_000_000L;

    private final RecordingOutbox<String, String> out = new RecordingOutbox<>();

    @Test
    void theOldestClusterGetsThePlanAndEveryOtherOneALinkToIt() {
        // A shared kiosk device belongs to an older profile; a user logs in on it with a new
        // anonymous id. The kiosk's cluster decides: it gets the event's identifiers in priority
        // order, each with its cluster and whether it was known before the event.
        ClusterId kiosk = new ClusterId(T - 5_000, "device_id:kiosk");
        ClusterId user = new ClusterId(T - 1_000, "user_id:u55");
        ClusterId fresh = new ClusterId(T, "anonymous_id:k55");

        gather(
                List.of("user_id:u55", "device_id:kiosk", "anonymous_id:k55"),
                "user_id:u55",
                Map.of("user_id:u55", user, "device_id:kiosk", kiosk, "anonymous_id:k55", fresh),
                Set.of("anonymous_id:k55"));

        List<Message<String, String>> toKiosk = out.sentTo(kiosk);
        assertEquals(1, toKiosk.size(), toKiosk.toString());
        Message.Plan<String, String> plan = (Message.Plan<String, String>) toKiosk.get(0);
        assertEquals(
                List.of(
                        new Message.PlanStep("user_id:u55", user, true),
                        new Message.PlanStep("device_id:kiosk", kiosk, true),
                        new Message.PlanStep("anonymous_id:k55", fresh, false)),
                plan.steps());
        for (ClusterId other : List.of(user, fresh)) {
            Message.Link<String, String> link = onlyLink(other);
            assertEquals(kiosk, link.winner());
            assertEquals("e1", link.plan());
        }
        assertEquals("e1", onlyLink(user).carried().eventId());
    }

    @Test
    void aNewIdentifierJoinsTheKnownAnchorNotTheOldestCluster() {
        // As in single mode, the new anonymous id goes with the user's (the anchor's) profile,
        // which the kiosk's refuses (one user id per profile); the login goes there too.
        MergeRules rules =
                new MergeRules(
                        Set.of("user_id"),
                        Map.of("user_id", 1),
                        10,
                        30,
                        5,
                        Map.of("user_id", 1, "device_id", 3, "anonymous_id", 4),
                        5);
        List<ProtocolSimulation.Input> events =
                List.of(
                        new ProtocolSimulation.Input(
                                "first",
                                List.of("user_id:u1", "device_id:kiosk"),
                                "user_id:u1",
                                T - 5_000,
                                1),
                        new ProtocolSimulation.Input(
                                "alone", List.of("user_id:u55"), "user_id:u55", T - 1_000, 1),
                        new ProtocolSimulation.Input(
                                "login",
                                List.of("user_id:u55", "device_id:kiosk", "anonymous_id:k55"),
                                "user_id:u55",
                                T,
                                1));
        for (long seed = 1; seed <= 20; seed++) {
            ProtocolSimulation sim = new ProtocolSimulation(rules, seed, seed % 2 == 0);
            sim.runStepByStep(events);
            List<String> profiles = sim.profilesWithEvents();
            assertEquals(
                    List.of(
                            "[anonymous_id:k55, user_id:u55]=[alone, login]",
                            "[device_id:kiosk, user_id:u1]=[first]"),
                    profiles,
                    "seed " + seed);
            assertEquals(Map.of("device_id:kiosk", 1), sim.blame(), "the weaker of the pair");
        }
    }

    @Test
    void withANewAnchorEveryClusterLinksToTheOldest() {
        ClusterId device = new ClusterId(T - 5_000, "device_id:d1");
        ClusterId anonymous = new ClusterId(T - 1_000, "anonymous_id:a1");
        ClusterId user = new ClusterId(T, "user_id:u1");

        gather(
                List.of("user_id:u1", "device_id:d1", "anonymous_id:a1"),
                "user_id:u1",
                Map.of("user_id:u1", user, "device_id:d1", device, "anonymous_id:a1", anonymous));

        assertEquals(device, onlyLink(anonymous).winner());
        assertEquals(device, onlyLink(user).winner());
        assertEquals("e1", onlyLink(user).carried().eventId());
    }

    @Test
    void aNewVisitorsFirstEventIsCreditedWhereItsAnchorFoundedAClusterWithoutALink() {
        // A visitor's first event brings three new identifiers, each founding a cluster. The
        // anchor's is created at the event's time, the others a millisecond later: it is the
        // oldest, the event goes to it at once, and the others merge into it carrying nothing.
        List<String> identifiers =
                List.of("personalize_uid:pz1", "device_id:web1", "anonymous_id:a1");
        String anchor = "personalize_uid:pz1";
        routeAndGather("e1", identifiers, anchor, T, new HashMap<>());

        ClusterId founded = new ClusterId(T, anchor);
        List<Message<String, String>> toFounded = out.sentTo(founded);
        assertEquals(2, toFounded.size(), toFounded.toString());
        Message.Plan<String, String> plan = (Message.Plan<String, String>) toFounded.get(0);
        assertTrue(plan.steps().stream().noneMatch(Message.PlanStep::known), "all new");
        assertEquals(
                new Message.Contribute<String, String>("e1", "payload"),
                toFounded.get(1),
                "credited at once, no link to cross the loop with");
        for (String other : identifiers.subList(1, 3)) {
            Message.Link<String, String> link = onlyLink(new ClusterId(T + 1, other));
            assertEquals(founded, link.winner());
            assertEquals(null, link.carried());
        }
    }

    @Test
    void aVisitorsNextEventPlansNoMergeWhileItsFoundingMergeIsUnderWay() {
        // The first event founds the anchor's cluster and, a millisecond later, the device's,
        // and plans their merge. Until that merge repoints the device, the device's Directory
        // answers that its cluster joins the anchor's: the next event goes to the anchor's
        // cluster alone instead of planning the same merge again.
        List<String> identifiers = List.of("anonymous_id:a1", "device_id:web1");
        String anchor = "anonymous_id:a1";
        ClusterId anchors = new ClusterId(T, anchor);
        ClusterId devices = new ClusterId(T + 1, "device_id:web1");
        Map<String, DirectoryActor.Entry> directory = new HashMap<>();

        routeAndGather("e1", identifiers, anchor, T, directory);
        assertTrue(out.sentTo(anchors).get(0) instanceof Message.Plan, "the founding merge");
        assertEquals(anchors, onlyLink(devices).winner());

        out.clear();
        routeAndGather("e2", identifiers, anchor, T + 100, directory);
        assertEquals(
                List.of(new Message.Contribute<String, String>("e2", "payload")),
                out.sentTo(anchors));
        assertEquals(List.of(), out.sentTo(devices), "no second link");

        // Refused (a rule kept the device apart): the device's cluster tells its Directory, and
        // the next event links the two again, so the refusal is asked for again as single mode
        // would.
        RecordingOutbox<String, String> none = new RecordingOutbox<>();
        directory.put(
                "device_id:web1",
                DirectoryActor.handle(
                        "device_id:web1",
                        directory.get("device_id:web1"),
                        new Message.Repoint<String, String>(devices, true),
                        5,
                        none));
        assertEquals(devices, directory.get("device_id:web1").cluster(), "it stays");
        out.clear();
        routeAndGather("e3", identifiers, anchor, T + 200, directory);
        assertTrue(out.sentTo(anchors).get(0) instanceof Message.Plan, "planned again");
        assertEquals(anchors, onlyLink(devices).winner());
    }

    /** Routes an event, answers its probes from {@code directory}, and gathers the answers. */
    private void routeAndGather(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            Map<String, DirectoryActor.Entry> directory) {
        RecordingOutbox<String, String> routed = new RecordingOutbox<>();
        EventRouter.route(eventId, identifiers, anchor, time, "payload", "k", 1, routed);
        RecordingOutbox<String, String> answers = new RecordingOutbox<>();
        for (Message<String, String> message : routed.sent) {
            if (message instanceof Message.Probe<String, String> probe) {
                directory.put(
                        probe.identifier(),
                        DirectoryActor.handle(
                                probe.identifier(),
                                directory.getOrDefault(
                                        probe.identifier(), DirectoryActor.Entry.NONE),
                                probe,
                                5,
                                answers));
            }
        }
        GatherState<String> state = null;
        for (RecordingOutbox<String, String> from : List.of(routed, answers)) {
            for (int i = 0; i < from.sent.size(); i++) {
                if (from.to.get(i).actor() == Actor.GATHER) {
                    state = GatherActor.handle(eventId, state, from.sent.get(i), out);
                }
            }
        }
        assertEquals(true, state.done);
    }

    private void gather(List<String> identifiers, String anchor, Map<String, ClusterId> replies) {
        gather(identifiers, anchor, replies, Set.of());
    }

    private void gather(
            List<String> identifiers,
            String anchor,
            Map<String, ClusterId> replies,
            Set<String> founded) {
        GatherState<String> state =
                GatherActor.handle(
                        "e1",
                        null,
                        new Message.Event<String, String>("e1", identifiers, anchor, T, "payload"),
                        out);
        for (String identifier : identifiers) {
            state =
                    GatherActor.handle(
                            "e1",
                            state,
                            new Message.Reply<String, String>(
                                    "e1",
                                    identifier,
                                    replies.get(identifier),
                                    false,
                                    founded.contains(identifier)),
                            out);
        }
        assertEquals(true, state.done);
    }

    private Message.Link<String, String> onlyLink(ClusterId cluster) {
        List<Message<String, String>> messages = out.sentTo(cluster);
        assertEquals(1, messages.size(), cluster + ": " + messages);
        return (Message.Link<String, String>) messages.get(0);
    }
}
