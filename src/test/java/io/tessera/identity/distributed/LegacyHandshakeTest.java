package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.ProtocolSimulation.Payload;
import io.tessera.identity.distributed.ProtocolSimulation.Totals;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The handshake of 0.1 (propose, accept, absorb) still completes for records an upgrade finds in
 * the identity loop: a winner answers a proposal with an accept that asks for the absorb, and a
 * loser locked on a proposal hands everything over when it comes.
 */
class LegacyHandshakeTest {
    private static final ClusterId WINNER = new ClusterId(1_000, "anonymous_id:a1");
    private static final ClusterId LOSER = new ClusterId(2_000, "email:x@y.io");

    private final ClusterActor<Payload, Totals> actor =
            new ClusterActor<>(
                    new MergeRules(Set.of("user_id"), Map.of("email", 3), 10, 30),
                    ProtocolSimulation.OPS);
    private final RecordingOutbox<Payload, Totals> out = new RecordingOutbox<>();

    @Test
    void aProposalLeftInTheLoopIsAcceptedAndItsAbsorbTakenIn() {
        ClusterState<Payload, Totals> winner =
                actor.handle(
                        WINNER,
                        null,
                        new Message.Contribute<>("e1", new Payload("e1", 1, 1_000)),
                        out);
        Reservation own = new Reservation(Map.of(), new TreeMap<>(Map.of("email", 1)), 1);

        actor.handle(WINNER, winner, new Message.Propose<>(LOSER, own, new TreeMap<>()), out);

        Message.Accept<Payload, Totals> accept = (Message.Accept<Payload, Totals>) out.sent.get(0);
        assertEquals(WINNER, accept.winner());
        assertFalse(accept.taken(), "the absorb must follow");
        assertEquals(Map.of(LOSER, own), winner.reserved);

        Totals loserState = new Totals();
        loserState.events.put("e2", 2L);
        actor.handle(
                WINNER,
                winner,
                new Message.Absorb<>(
                        LOSER,
                        new java.util.TreeSet<>(Set.of("email:x@y.io")),
                        loserState,
                        Map.of(),
                        true,
                        new java.util.TreeSet<>(),
                        new TreeMap<>(),
                        true,
                        Message.UNKNOWN_TIME),
                out);

        assertTrue(winner.members.contains("email:x@y.io"));
        assertEquals(Map.of("e1", 1L, "e2", 2L), winner.state.events);
        assertEquals(Map.of(), winner.reserved);
        assertEquals(List.of(LOSER), out.merged);
    }

    @Test
    void aLoserLockedOnAProposalHandsEverythingOverWhenAccepted() {
        ClusterState<Payload, Totals> loser =
                actor.handle(
                        LOSER,
                        null,
                        new Message.Contribute<>("e2", new Payload("e2", 2, 2_000)),
                        out);
        loser.lockedOn = WINNER; // as 0.1 left it: proposed, not offered
        out.clear();

        actor.handle(LOSER, loser, new Message.Accept<>(WINNER), out);

        assertTrue(loser.tombstone);
        assertEquals(WINNER, loser.forward);
        Message.Absorb<Payload, Totals> absorb = (Message.Absorb<Payload, Totals>) out.sent.get(0);
        assertEquals(Address.cluster(WINNER), out.to.get(0));
        assertEquals(Map.of("e2", 2L), absorb.state().events);
        assertEquals(Set.of("email:x@y.io"), absorb.members());
        assertEquals(Address.directory("email:x@y.io"), out.to.get(1), "its member repointed");
    }
}
