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
            if (reply.founded()) {
                if (pending.founded == null) {
                    pending.founded = new TreeSet<>();
                }
                pending.founded.add(reply.identifier());
            }
            if (reply.joining() != null) {
                if (pending.joining == null) {
                    pending.joining = new TreeMap<>();
                }
                pending.joining.put(reply.identifier(), reply.joining());
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
        Message.Contribute<E, A> contribution = new Message.Contribute<>(eventId, pending.payload);
        if (ordered.size() == 1 || joinedAlready(pending, evidence)) {
            out.send(Address.cluster(anchor), contribution);
            return done();
        }
        // The oldest cluster decides every offer of the event together, as single mode links the
        // identifiers one by one: the plan lists them in priority order with their clusters.
        List<Message.PlanStep> steps = new ArrayList<>();
        for (String identifier : evidence) {
            ClusterId cluster = pending.replies.get(identifier);
            boolean known = pending.founded == null || !pending.founded.contains(identifier);
            steps.add(new Message.PlanStep(identifier, cluster, known));
        }
        out.send(
                Address.cluster(oldest),
                new Message.Plan<>(eventId, List.copyOf(steps), pending.time));
        if (anchor.equals(oldest)) {
            // credited at once: the plan's merges bring the event nowhere else
            out.send(Address.cluster(oldest), contribution);
        }
        for (int i = 1; i < ordered.size(); i++) {
            ClusterId cluster = ordered.get(i);
            out.send(
                    Address.cluster(cluster),
                    new Message.Link<>(
                            oldest,
                            List.copyOf(ordered.subList(1, i)),
                            cluster.equals(anchor) ? contribution : null,
                            weaker(pending, strongest.get(cluster), strongest.get(oldest)),
                            pending.time,
                            eventId));
        }
        return done();
    }

    /**
     * Whether the event's clusters are one once the founding merges under way are done: each
     * cluster other than the oldest was founded by an earlier event beside the cluster of another
     * identifier of this event, older than it, and that event's plan links the two (should a rule
     * refuse it, the refused cluster tells its founder's Directory, which then answers without the
     * merge under way). Linking them again would plan a merge already planned.
     */
    private static boolean joinedAlready(GatherState<?> pending, List<String> evidence) {
        if (pending.joining == null) {
            return false;
        }
        Set<ClusterId> clusters = new TreeSet<>();
        for (String identifier : evidence) {
            ClusterId cluster = pending.replies.get(identifier);
            String anchor = pending.joining.get(identifier);
            if (anchor != null && evidence.contains(anchor)) {
                ClusterId anchors = pending.replies.get(anchor);
                if (anchors.compareTo(cluster) < 0) {
                    cluster = anchors;
                }
            }
            clusters.add(cluster);
        }
        return clusters.size() == 1;
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
}
