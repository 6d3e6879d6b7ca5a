package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Gather, keyed by event id: collects the Directory's replies for every identifier of an event
 * (probed by {@link EventRouter} at the same time, so replies may come before the event), then
 * credits the event to its anchor's cluster and asks every other cluster seen to link to the oldest
 * one.
 */
public final class GatherActor {
    private GatherActor() {}

    /** One step; returns the state after it (a done marker once the event went on). */
    public static <E, A> GatherState<E> handle(
            String eventId, GatherState<E> state, Message<E, A> message, Outbox<E, A> out) {
        if (state != null && state.done) {
            return state; // a redelivered event, or a late reply of one: gathered already
        }
        GatherState<E> pending = state != null ? state : new GatherState<>();
        if (message instanceof Message.Event<E, A> event) {
            pending.identifiers = event.identifiers();
            pending.anchor = event.anchor();
            pending.time = event.time();
            pending.payload = event.payload();
        } else if (message instanceof Message.Reply<E, A> reply) {
            pending.replies.put(reply.identifier(), reply.cluster());
        } else {
            throw new IllegalArgumentException("a Gather cannot take " + message);
        }
        if (pending.identifiers == null || pending.replies.size() < pending.identifiers.size()) {
            return pending;
        }
        Set<ClusterId> clusters = new TreeSet<>(pending.replies.values());
        List<ClusterId> ordered = new ArrayList<>(clusters);
        ClusterId oldest = ordered.get(0);
        ClusterId anchor = pending.replies.get(pending.anchor);
        // As in single mode, an identifier new with this event joins the anchor's profile when
        // the anchor was known before: a rule refusing the anchor's profile a merge with an older
        // one does not move the new identifier there.
        ClusterId home = fresh(anchor, pending) ? oldest : anchor;
        Message.Contribute<E, A> contribution = new Message.Contribute<>(eventId, pending.payload);
        if (anchor.equals(oldest)) {
            out.send(Address.cluster(anchor), contribution);
        }
        for (int i = 1; i < ordered.size(); i++) {
            ClusterId cluster = ordered.get(i);
            ClusterId target =
                    fresh(cluster, pending) && home.compareTo(cluster) < 0 ? home : oldest;
            List<ClusterId> fallbacks = new ArrayList<>();
            for (ClusterId older : ordered.subList(0, i)) {
                if (!older.equals(target)) {
                    fallbacks.add(older);
                }
            }
            out.send(
                    Address.cluster(cluster),
                    new Message.Link<>(
                            target,
                            List.copyOf(fallbacks),
                            cluster.equals(anchor) ? contribution : null));
        }
        GatherState<E> done = new GatherState<>();
        done.done = true;
        return done;
    }

    /** Whether the cluster was founded by one of the event's own identifiers at its time. */
    private static boolean fresh(ClusterId cluster, GatherState<?> event) {
        return cluster.createdAt() == event.time && event.identifiers.contains(cluster.founder());
    }
}
