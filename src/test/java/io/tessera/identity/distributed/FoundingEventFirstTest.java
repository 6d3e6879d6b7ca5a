package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.ProtocolSimulation.Payload;
import io.tessera.identity.distributed.ProtocolSimulation.Totals;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A person logs in on the web with a new email, and a minute later the app shows the same email
 * (written under the person's key, so single mode reads them in that order). Read together from a
 * backlog, the two events' Gathers answer in any order, and the app's link to the email's new
 * cluster may come first: the cluster then joined the app's profile at the app's event, and the web
 * login's link merged the two profiles at the login, a minute early. A new cluster acts on its
 * founding event's link first, so each merge is dated by the event single mode dates it by.
 */
class FoundingEventFirstTest {
    private final ClusterActor<Payload, Totals> actor =
            new ClusterActor<>(MergeRules.none(), ProtocolSimulation.OPS);
    private final RecordingOutbox<Payload, Totals> out = new RecordingOutbox<>();

    private final ClusterId web = new ClusterId(1_000, "anonymous_id:a1");
    private final ClusterId app = new ClusterId(2_000, "device_id:d2");

    /** Founded by the web login at 60 s, an identifier other than its anchor (1 ms later). */
    private final ClusterId email = new ClusterId(60_001, "email:e1@shop.io");

    private static Message.Link<Payload, Totals> link(ClusterId winner, long at) {
        return new Message.Link<>(winner, List.of(), null, null, at);
    }

    @Test
    void aLaterEventsLinkWaitsForTheFoundingEventsLink() {
        ClusterState<Payload, Totals> s =
                actor.handle(email, null, new Message.Init<>(email.founder(), "k", 7), out);
        s = actor.handle(email, s, link(app, 120_000), out); // the app's, first
        assertTrue(out.sentTo(app).isEmpty(), "the app's link waits: " + out.sent);
        assertEquals(1, s.early.size());

        s = actor.handle(email, s, link(web, 60_000), out); // the login's
        assertTrue(out.sentTo(app).isEmpty(), "locked on the login's merge: " + out.sent);
        Message.Offer<Payload, Totals> offer =
                (Message.Offer<Payload, Totals>) out.sentTo(web).get(0);
        assertEquals(60_000, offer.at(), "the email joins the web profile at the login");

        actor.handle(email, s, new Message.Accept<>(web, true), out);
        // the app's link follows the email to the web profile: the two profiles merge at the app's
        // event, the younger (the app's) into the older
        List<Message<Payload, Totals>> toApp = out.sentTo(app);
        assertEquals(1, toApp.size(), out.sent.toString());
        Message.Link<Payload, Totals> merge = (Message.Link<Payload, Totals>) toApp.get(0);
        assertEquals(web, merge.winner());
        assertEquals(120_000, merge.at());
    }

    @Test
    void aNewClusterThatNeverHearsFromItsFoundingEventActsWhenEventTimePassesItsCreation() {
        ClusterState<Payload, Totals> s =
                actor.handle(email, null, new Message.Init<>(email.founder()), out);
        s = actor.handle(email, s, link(app, 120_000), out);
        s = actor.settleBy(email, s, 60_000, out);
        assertTrue(out.sentTo(app).isEmpty(), "event time has not passed its creation yet");

        s = actor.settleBy(email, s, 60_001, out);
        assertTrue(out.sentTo(app).get(0) instanceof Message.Offer, out.sent.toString());
        assertTrue(s.early.isEmpty());
    }

    @Test
    void aLaterEventWaitsForTheFoundingEventAndIsCreditedRightAfterIt() {
        ClusterId anchor = new ClusterId(5_000, "anonymous_id:a9");
        Message.Contribute<Payload, Totals> second =
                new Message.Contribute<>("e2", new Payload("e2", 1, 6_000));
        Message.Contribute<Payload, Totals> first =
                new Message.Contribute<>("e1", new Payload("e1", 1, 5_000));
        ClusterState<Payload, Totals> s = actor.handle(anchor, null, second, out);
        assertTrue(s.state.events.isEmpty(), "the second waits for the founding event");
        assertEquals(List.of(second), s.early);

        s = actor.handle(anchor, s, first, out);
        assertEquals(java.util.Set.of("e1", "e2"), s.state.events.keySet());
        assertTrue(!s.awaitingFounder && s.early.isEmpty());
    }
}
