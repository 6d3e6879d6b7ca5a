package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
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
            if (reply.quarantined()) {
                pending.quarantined.add(reply.identifier());
            }
        } else {
            throw new IllegalArgumentException("a Gather cannot take " + message);
        }
        if (pending.identifiers == null || pending.replies.size() < pending.identifiers.size()) {
            return pending;
        }
        // As in single mode, quarantined identifiers take no part unless they are all there is:
        // the event then goes to its anchor's profile and links nothing.
        List<String> evidence = new ArrayList<>();
        for (String identifier : pending.identifiers) {
            if (!pending.quarantined.contains(identifier)) {
                evidence.add(identifier);
            }
        }
        if (evidence.isEmpty()) {
            out.send(
                    Address.cluster(pending.replies.get(pending.anchor)),
                    new Message.Contribute<>(eventId, pending.payload));
            return done();
        }
        String anchorId = evidence.contains(pending.anchor) ? pending.anchor : evidence.get(0);
        Map<ClusterId, String> strongest = new TreeMap<>();
        for (String identifier : evidence) {
            strongest.putIfAbsent(pending.replies.get(identifier), identifier);
        }
        Set<ClusterId> clusters = new TreeSet<>(strongest.keySet());
        List<ClusterId> ordered = new ArrayList<>(clusters);
        ClusterId oldest = ordered.get(0);
        ClusterId anchor = pending.replies.get(anchorId);
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
                            cluster.equals(anchor) ? contribution : null,
                            weaker(pending, strongest.get(cluster), strongest.get(target)),
                            pending.time));
        }
        return done();
    }

    /**
     * The identifier a refusal of the link between two clusters is blamed on: the weaker of the
     * event's identifiers in each (the event lists its identifiers highest priority first).
     */
    private static String weaker(GatherState<?> event, String one, String other) {
        return event.identifiers.indexOf(one) >= event.identifiers.indexOf(other) ? one : other;
    }

    private static <E> GatherState<E> done() {
        GatherState<E> done = new GatherState<>();
        done.done = true;
        return done;
    }

    /**
     * Whether the cluster was founded by one of the event's own identifiers with it: at its time
     * (the anchor's), or a millisecond later (another new identifier's, {@link
     * Message.Probe#foundingTime}).
     */
    private static boolean fresh(ClusterId cluster, GatherState<?> event) {
        return (cluster.createdAt() == event.time || cluster.createdAt() == event.time + 1)
                && event.identifiers.contains(cluster.founder());
    }
}
