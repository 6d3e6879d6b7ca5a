package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * An outbox for actor tests: keeps every message sent, with its address, and every merge; any other
 * outcome fails the test, as the actors under test must not produce it.
 */
final class RecordingOutbox<E, A> implements Outbox<E, A> {
    /** Where each message went, in order. */
    final List<Address> to = new ArrayList<>();

    /** The messages sent, in order. */
    final List<Message<E, A>> sent = new ArrayList<>();

    /** The losers of the merges published, in order. */
    final List<ClusterId> merged = new ArrayList<>();

    /** Forgets what was sent so far. */
    void clear() {
        to.clear();
        sent.clear();
    }

    /** The messages sent to one cluster, in order. */
    List<Message<E, A>> sentTo(ClusterId cluster) {
        List<Message<E, A>> messages = new ArrayList<>();
        for (int i = 0; i < sent.size(); i++) {
            if (to.get(i).equals(Address.cluster(cluster))) {
                messages.add(sent.get(i));
            }
        }
        return messages;
    }

    @Override
    public void send(Address target, Message<E, A> message) {
        to.add(target);
        sent.add(message);
    }

    @Override
    public void merged(ClusterId loser, ClusterId winner, long at) {
        merged.add(loser);
    }

    @Override
    public void rejected(ClusterId loser, ClusterId winner, String rule, String detail) {
        throw new AssertionError("unexpected refusal of " + loser + " into " + winner);
    }

    @Override
    public void erased(ClusterId cluster, A state, E delete) {
        throw new AssertionError("unexpected erasure of " + cluster);
    }

    @Override
    public void dropped(E event) {
        throw new AssertionError("unexpected drop of " + event);
    }

    @Override
    public void resend(String eventId, E event) {
        throw new AssertionError("unexpected resend of " + eventId);
    }
}
