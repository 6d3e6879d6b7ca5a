package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aNewVisitorsFirstEventTakesItsNewIdentifiersIntoItsAnchorsClusterWithoutAMerge() {
        // A visitor's first event brings three new identifiers. Only the anchor founds a
        // cluster: the others are left unplaced by their Directories, and the anchor's cluster
        // takes them in with the event. No cluster of their own, no link, no merge.
        List<String> identifiers =
                List.of("personalize_uid:pz1", "device_id:web1", "anonymous_id:a1");
        String anchor = "personalize_uid:pz1";
        Map<String, DirectoryActor.Entry> directory = new HashMap<>();
        routeAndGather("e1", identifiers, anchor, T, directory);

        ClusterId founded = new ClusterId(T, anchor);
        List<Message<String, String>> toFounded = out.sentTo(founded);
        assertEquals(1, toFounded.size(), toFounded.toString());
        Message.Admit<String, String> admit = (Message.Admit<String, String>) toFounded.get(0);
        assertEquals(new Message.Contribute<String, String>("e1", "payload"), admit.contribution());
        assertEquals(
                List.of("device_id:web1", "anonymous_id:a1"),
                admit.unsent().stream().map(Message.Init::identifier).toList(),
                "in priority order");
        for (String other : identifiers.subList(1, 3)) {
            assertEquals(List.of(), out.sentTo(new ClusterId(T + 1, other)), other);
            assertEquals(null, directory.get(other).cluster(), other + " is not placed yet");
            assertEquals(new ClusterId(T + 1, other), directory.get(other).unplaced());
        }
    }

    @Test
    void aVisitorsNextEventGoesToItsAnchorsClusterWhileItsFirstEventPlacesItsIdentifiers() {
        // Until the anchor's cluster has taken the device in, the device's Directory answers at
        // once that the first event is placing it beside the anchor: the next event goes to the
        // anchor's cluster without a plan, and the Directory answers again once it is placed.
        List<String> identifiers = List.of("anonymous_id:a1", "device_id:web1");
        String anchor = "anonymous_id:a1";
        ClusterId anchors = new ClusterId(T, anchor);
        Map<String, DirectoryActor.Entry> directory = new HashMap<>();

        routeAndGather("e1", identifiers, anchor, T, directory);
        assertTrue(out.sentTo(anchors).get(0) instanceof Message.Admit, "placed by the event");

        out.clear();
        GatherState<String> gathered =
                routeAndGather("e2", identifiers, anchor, T + 100, directory, true);
        assertEquals(
                List.of(new Message.Contribute<String, String>("e2", "payload")),
                out.sentTo(anchors));
        DirectoryActor.Entry device = directory.get("device_id:web1");
        assertEquals(1, device.held().size(), "the probe waits for the answer with its cluster");

        // The anchor's cluster took the device in: the Directory is placed, and answers the
        // probe it held; the Gather, done with the event, takes nothing more from it.
        RecordingOutbox<String, String> placed = new RecordingOutbox<>();
        device =
                DirectoryActor.handle(
                        "device_id:web1",
                        device,
                        Message.Repoint.<String, String>placing(
                                anchors, new ClusterId(T + 1, "device_id:web1")),
                        5,
                        placed);
        assertEquals(anchors, device.cluster());
        assertEquals(null, device.unplaced());
        assertEquals(
                List.of(new Message.Reply<String, String>("e2", "device_id:web1", anchors)),
                placed.sent);
        out.clear();
        assertTrue(GatherActor.handle("e2", gathered, placed.sent.get(0), out).done);
        assertEquals(List.of(), out.sent, "credited once");
    }

    @Test
    void aLoginsNewUserIdIsAdmittedWhereTheVisitorsIdentifiersAreEvenWhileTheyAreBeingPlaced() {
        // The visitor's first event founds its anchor's cluster and places the device there. The
        // login, whose key named both, brings a new user id (its anchor) and email: the user id's
        // Directory founds nothing, and the visitor's cluster is sent both to take in, the anchor
        // named, while the device's placing repoint is still on its way, and again once it landed.
        List<String> visitor = List.of("anonymous_id:a1", "device_id:web1");
        ClusterId home = new ClusterId(T, "anonymous_id:a1");
        List<String> login =
                List.of("user_id:u1", "email:e@shop.io", "anonymous_id:a1", "device_id:web1");
        for (boolean placed : List.of(false, true)) {
            Map<String, DirectoryActor.Entry> directory = new HashMap<>();
            routeAndGather("e1", visitor, visitor.get(0), T, directory);
            if (placed) {
                directory.put(
                        "device_id:web1",
                        DirectoryActor.handle(
                                "device_id:web1",
                                directory.get("device_id:web1"),
                                Message.Repoint.<String, String>placing(
                                        home, new ClusterId(T + 1, "device_id:web1")),
                                5,
                                new RecordingOutbox<>()));
            }
            out.clear();
            routeAndGather("e2", login, "user_id:u1", T + 100, directory, true, true);

            List<Message<String, String>> toHome = out.sentTo(home);
            assertEquals(1, toHome.size(), toHome.toString());
            Message.Admit<String, String> admit = (Message.Admit<String, String>) toHome.get(0);
            assertEquals(
                    List.of("user_id:u1", "email:e@shop.io"),
                    admit.unsent().stream().map(Message.Init::identifier).toList());
            assertEquals("user_id:u1", admit.anchor());
            assertEquals(!placed, admit.provisional(), "placed: " + placed);
            assertEquals(
                    new ClusterId(T + 100, "user_id:u1"),
                    admit.anchorsCluster(home),
                    "the cluster its Directory would have founded, at the event's time");
            assertEquals(List.of(), out.sentTo(new ClusterId(T + 100, "user_id:u1")));
            assertEquals(null, directory.get("user_id:u1").cluster(), "not founded");
            assertEquals(
                    new ClusterId(T + 100, "user_id:u1"), directory.get("user_id:u1").unplaced());
        }
    }

    @Test
    void anEventWaitsForAnIdentifierPlacedBesideAnIdentifierItDoesNotHave() {
        // The device is being placed beside another anonymous id, which this event does not name:
        // where it ends up is not known here, so the event waits for the answer with its cluster.
        ClusterId anchors = new ClusterId(T, "anonymous_id:a1");
        GatherState<String> pending = new GatherState<>();
        List<Message<String, String>> replies =
                List.of(
                        new Message.Event<>(
                                "e2",
                                List.of("anonymous_id:a1", "device_id:web1"),
                                "anonymous_id:a1",
                                T + 100,
                                "payload"),
                        new Message.Reply<>("e2", "anonymous_id:a1", anchors),
                        Message.Reply.beingPlaced(
                                "e2",
                                "device_id:web1",
                                new ClusterId(T + 1, "device_id:web1"),
                                "anonymous_id:a2"));
        for (Message<String, String> message : replies) {
            pending = GatherActor.handle("e2", pending, message, out);
        }
        assertFalse(pending.done);
        assertEquals(List.of(), out.sent, "nothing planned or credited yet");

        pending =
                GatherActor.handle(
                        "e2",
                        pending,
                        new Message.Reply<String, String>(
                                "e2", "device_id:web1", new ClusterId(T - 5, "anonymous_id:a2")),
                        out);
        assertTrue(pending.done);
        assertTrue(
                out.sent.stream().noneMatch(m -> m instanceof Message.Contribute),
                "two clusters: the event's plan, not a contribution at once: " + out.sent);
    }

    @Test
    void twoEventsPlacingEachOthersIdentifiersDoNotWaitForEachOther() {
        // Each event is the first to name one of the two new identifiers, and names the other
        // too. Each Directory answers the other event at once, so both Gathers go on: each founds
        // the identifier it places and waits only for where the other one goes.
        ClusterId first = new ClusterId(T - 9_000, "email:a@x.io");
        ClusterId second = new ClusterId(T - 8_000, "email:b@x.io");
        DirectoryActor.Entry x = DirectoryActor.Entry.NONE;
        DirectoryActor.Entry y = DirectoryActor.Entry.NONE;
        RecordingOutbox<String, String> replies = new RecordingOutbox<>();
        x = probe("device_id:x", x, "eA", "email:a@x.io", replies);
        y = probe("device_id:y", y, "eB", "email:b@x.io", replies);
        x = probe("device_id:x", x, "eB", "email:b@x.io", replies);
        y = probe("device_id:y", y, "eA", "email:a@x.io", replies);

        Map<String, GatherState<String>> gathers = new HashMap<>();
        gathers.put("eA", event("eA", List.of("email:a@x.io", "device_id:x", "device_id:y")));
        gathers.put("eB", event("eB", List.of("email:b@x.io", "device_id:y", "device_id:x")));
        for (int i = 0; i < replies.sent.size(); i++) {
            String eventId = replies.to.get(i).key();
            gathers.put(
                    eventId,
                    GatherActor.handle(eventId, gathers.get(eventId), replies.sent.get(i), out));
        }
        gathers.put(
                "eA",
                GatherActor.handle(
                        "eA",
                        gathers.get("eA"),
                        new Message.Reply<String, String>("eA", "email:a@x.io", first),
                        out));
        gathers.put(
                "eB",
                GatherActor.handle(
                        "eB",
                        gathers.get("eB"),
                        new Message.Reply<String, String>("eB", "email:b@x.io", second),
                        out));

        assertEquals(
                List.of(
                        new Message.Init<String, String>("device_id:x", null, 0, true),
                        new Message.Init<String, String>("device_id:y", null, 0, true)),
                out.sent,
                "each founds the identifier it places, neither waits");
        assertEquals(false, gathers.get("eA").done, "eA waits for where y goes");
        assertEquals(false, gathers.get("eB").done, "eB waits for where x goes");
    }

    private static DirectoryActor.Entry probe(
            String identifier,
            DirectoryActor.Entry entry,
            String eventId,
            String anchor,
            RecordingOutbox<String, String> replies) {
        return DirectoryActor.handle(
                identifier,
                entry,
                new Message.Probe<String, String>(eventId, identifier, T, null, null, 0, anchor),
                5,
                replies);
    }

    private GatherState<String> event(String eventId, List<String> identifiers) {
        return GatherActor.handle(
                eventId,
                null,
                new Message.Event<String, String>(
                        eventId, identifiers, identifiers.get(0), T, "payload"),
                out);
    }

    /** Routes an event, answers its probes from {@code directory}, and gathers the answers. */
    private void routeAndGather(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            Map<String, DirectoryActor.Entry> directory) {
        routeAndGather(eventId, identifiers, anchor, time, directory, true);
    }

    /** The same; returns the Gather's state, done or not as {@code done} says. */
    private GatherState<String> routeAndGather(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            Map<String, DirectoryActor.Entry> directory,
            boolean done) {
        return routeAndGather(eventId, identifiers, anchor, time, directory, done, false);
    }

    /** The same, for an event whose key named some identifier of it before or not. */
    private GatherState<String> routeAndGather(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            Map<String, DirectoryActor.Entry> directory,
            boolean done,
            boolean partlyNamed) {
        RecordingOutbox<String, String> routed = new RecordingOutbox<>();
        EventRouter.route(
                eventId, identifiers, anchor, time, "payload", "k", 1, false, partlyNamed, routed);
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
        assertEquals(done, state.done);
        return state;
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
