package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the Gather sends an event's clusters once every identifier has answered. */
class GatherActorTest {
    private static final long T = 1_000_000L;

    private final RecordingOutbox<String, String> out = new RecordingOutbox<>();

    @Test
    void aNewIdentifierJoinsTheKnownAnchorNotTheOldestCluster() {
        // A shared kiosk device belongs to an older profile; a user logs in on it with a new
        // anonymous id. As in single mode, the new id goes with the user's (the anchor's) profile.
        ClusterId kiosk = new ClusterId(T - 5_000, "device_id:kiosk");
        ClusterId user = new ClusterId(T - 1_000, "user_id:u55");
        ClusterId fresh = new ClusterId(T, "anonymous_id:k55");

        gather(
                List.of("user_id:u55", "device_id:kiosk", "anonymous_id:k55"),
                "user_id:u55",
                Map.of("user_id:u55", user, "device_id:kiosk", kiosk, "anonymous_id:k55", fresh));

        Message.Link<String, String> fromFresh = onlyLink(fresh);
        assertEquals(user, fromFresh.winner(), "to the anchor's cluster");
        assertEquals(List.of(kiosk), fromFresh.fallbacks(), "the oldest if the anchor refuses");
        Message.Link<String, String> fromUser = onlyLink(user);
        assertEquals(kiosk, fromUser.winner());
        assertEquals("e1", fromUser.carried().eventId(), "the event goes where the anchor goes");
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
        RecordingOutbox<String, String> routed = new RecordingOutbox<>();
        EventRouter.route("e1", identifiers, anchor, T, "payload", "k", 1, routed);
        RecordingOutbox<String, String> answers = new RecordingOutbox<>();
        for (Message<String, String> message : routed.sent) {
            if (message instanceof Message.Probe<String, String> probe) {
                DirectoryActor.handle(
                        probe.identifier(), DirectoryActor.Entry.NONE, probe, 5, answers);
            }
        }
        GatherState<String> state = null;
        for (RecordingOutbox<String, String> from : List.of(routed, answers)) {
            for (int i = 0; i < from.sent.size(); i++) {
                if (from.to.get(i).actor() == Actor.GATHER) {
                    state = GatherActor.handle("e1", state, from.sent.get(i), out);
                }
            }
        }
        assertEquals(true, state.done);

        ClusterId founded = new ClusterId(T, anchor);
        assertEquals(
                List.of(new Message.Contribute<String, String>("e1", "payload")),
                out.sentTo(founded),
                "credited at once, no link to cross the loop with");
        for (String other : identifiers.subList(1, 3)) {
            Message.Link<String, String> link = onlyLink(new ClusterId(T + 1, other));
            assertEquals(founded, link.winner());
            assertEquals(null, link.carried());
        }
    }

    private void gather(List<String> identifiers, String anchor, Map<String, ClusterId> replies) {
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
                                    "e1", identifier, replies.get(identifier)),
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
