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
        } else if (message instanceof Message.Reply<E, A> reply && reply.provisional()) {
            // being placed by another event: it counts as answered, and the event waits for the
            // answer with its cluster
            if (pending.replies.containsKey(reply.identifier())) {
                return pending; // overtaken by that answer
            }
            if (pending.provisional == null) {
                pending.provisional = new TreeSet<>();
                pending.placing = new TreeMap<>();
            }
            pending.provisional.add(reply.identifier());
            pending.replies.put(reply.identifier(), reply.cluster());
            if (reply.joining() != null) {
                pending.placing.put(reply.identifier(), reply.joining());
            }
        } else if (message instanceof Message.Reply<E, A> reply) {
            String identifier = reply.identifier();
            if (pending.provisional != null) {
                pending.provisional.remove(identifier); // placed now
                if (pending.placing != null) {
                    pending.placing.remove(identifier);
                }
            }
            pending.replies.put(identifier, reply.cluster());
            if (reply.quarantined()) {
                pending.quarantined.add(identifier);
            }
            if (reply.founded()) {
                if (pending.founded == null) {
                    pending.founded = new TreeSet<>();
                }
                pending.founded.add(identifier);
            }
            if (reply.unsent() != null) {
                if (pending.unsent == null) {
                    pending.unsent = new TreeMap<>();
                    pending.unsentKeys = new TreeMap<>();
                }
                pending.unsent.put(identifier, reply.unsent().orderPosition());
                if (reply.unsent().orderKey() != null) {
                    pending.unsentKeys.put(identifier, reply.unsent().orderKey());
                }
            }
            if (reply.joining() != null) {
                if (pending.joining == null) {
                    pending.joining = new TreeMap<>();
                }
                pending.joining.put(identifier, reply.joining());
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
            foundUnsent(pending, pending.identifiers, out);
            out.send(
                    Address.cluster(pending.replies.get(pending.anchor)),
                    new Message.Contribute<>(eventId, pending.payload));
            return done();
        }
        String anchorId = evidence.contains(pending.anchor) ? pending.anchor : evidence.get(0);
        if (pending.provisional != null && !pending.provisional.isEmpty()) {
            // Some identifiers are being placed by other events. When each is being placed beside
            // an identifier of this event, and they all end up in its anchor's cluster, the event
            // goes there at once (a visitor's next events while its first places its device).
            // Else it waits for where they are placed, and places its own new identifiers first,
            // so two such events never wait for each other.
            // With new identifiers of its own beside them (a login's new user id and email), the
            // cluster they all end up in takes those in at once, as it would once they are placed.
            boolean own = pending.unsent != null && !pending.unsent.isEmpty();
            if (!own
                    && !pending.provisional.contains(anchorId)
                    && placedTogether(pending, evidence)) {
                out.send(
                        Address.cluster(pending.replies.get(anchorId)),
                        new Message.Contribute<>(eventId, pending.payload));
                return done();
            }
            ClusterId home =
                    own && !pending.provisional.contains(anchorId)
                            ? homeOfUnsent(pending, evidence)
                            : null;
            if (home != null) {
                admit(
                        eventId,
                        pending,
                        evidence,
                        steps(pending, evidence),
                        anchorId,
                        home,
                        true,
                        out);
                return done();
            }
            foundUnsent(pending, pending.identifiers, out);
            pending.unsent = null;
            pending.unsentKeys = null;
            return pending;
        }
        ClusterId anchor = pending.replies.get(anchorId);
        Message.Contribute<E, A> contribution = new Message.Contribute<>(eventId, pending.payload);
        List<Message.PlanStep> steps = steps(pending, evidence);
        if (pending.unsent != null) {
            ClusterId home = homeOfUnsent(pending, evidence);
            if (home != null) {
                // The event's known identifiers are in one cluster, older than any the new ones
                // would found: it takes them in, with no cluster of their own and no merge (the
                // anchor too when it is new, as a login's user id is beside a visitor's ids).
                admit(eventId, pending, evidence, steps, anchorId, home, false, out);
                return done();
            }
            foundUnsent(pending, pending.identifiers, out);
        }
        if (clustersOf(steps).size() == 1 || joinedAlready(pending, evidence)) {
            out.send(Address.cluster(anchor), contribution);
            return done();
        }
        plan(eventId, steps, anchor, pending.time, contribution, out);
        return done();
    }

    /**
     * The event's identifiers in priority order, each with its cluster (for a new one: would
     * found).
     */
    private static List<Message.PlanStep> steps(GatherState<?> pending, List<String> evidence) {
        List<Message.PlanStep> steps = new ArrayList<>();
        for (String identifier : evidence) {
            boolean known = pending.founded == null || !pending.founded.contains(identifier);
            steps.add(new Message.PlanStep(identifier, pending.replies.get(identifier), known));
        }
        return steps;
    }

    /**
     * Sends the cluster its known identifiers end up in the event, with its new identifiers to take
     * in ({@link Message.Admit}).
     *
     * @param provisional whether some known identifiers were still being placed by other events
     */
    private static <E, A> void admit(
            String eventId,
            GatherState<E> pending,
            List<String> evidence,
            List<Message.PlanStep> steps,
            String anchorId,
            ClusterId home,
            boolean provisional,
            Outbox<E, A> out) {
        List<Message.Init<E, A>> unsent = new ArrayList<>();
        for (String identifier : evidence) {
            if (pending.unsent.containsKey(identifier)) {
                unsent.add(GatherActor.<E, A>unsent(pending, identifier));
            }
        }
        out.send(
                Address.cluster(home),
                new Message.Admit<>(
                        eventId,
                        List.copyOf(steps),
                        pending.time,
                        new Message.Contribute<>(eventId, pending.payload),
                        List.copyOf(unsent),
                        pending.unsent.containsKey(anchorId) ? anchorId : null,
                        provisional));
    }

    /**
     * Sends an event's plan: the oldest of its clusters decides every offer of the event together,
     * as single mode links the identifiers one by one (the steps list them in priority order with
     * their clusters), and every other cluster is asked to offer itself to it, the anchor's
     * carrying the event. Also what a cluster does with an {@link Message.Admit} it cannot take
     * whole.
     */
    static <E, A> void plan(
            String eventId,
            List<Message.PlanStep> steps,
            ClusterId anchor,
            long time,
            Message.Contribute<E, A> contribution,
            Outbox<E, A> out) {
        List<ClusterId> ordered = clustersOf(steps);
        ClusterId oldest = ordered.get(0);
        out.send(Address.cluster(oldest), new Message.Plan<>(eventId, List.copyOf(steps), time));
        if (anchor.equals(oldest)) {
            // credited at once: the plan's merges bring the event nowhere else
            out.send(Address.cluster(oldest), contribution);
        }
        Map<ClusterId, String> strongest = new TreeMap<>();
        List<String> order = new ArrayList<>();
        for (Message.PlanStep step : steps) {
            strongest.putIfAbsent(step.cluster(), step.identifier());
            order.add(step.identifier());
        }
        for (int i = 1; i < ordered.size(); i++) {
            ClusterId cluster = ordered.get(i);
            out.send(
                    Address.cluster(cluster),
                    new Message.Link<>(
                            oldest,
                            List.copyOf(ordered.subList(1, i)),
                            cluster.equals(anchor) ? contribution : null,
                            weaker(order, strongest.get(cluster), strongest.get(oldest)),
                            time,
                            eventId));
        }
    }

    /** The clusters a plan's steps name, oldest first. */
    private static List<ClusterId> clustersOf(List<Message.PlanStep> steps) {
        Set<ClusterId> clusters = new TreeSet<>();
        for (Message.PlanStep step : steps) {
            clusters.add(step.cluster());
        }
        return new ArrayList<>(clusters);
    }

    /**
     * The one cluster that takes the event's unplaced identifiers in, or null: every other
     * identifier of the event is in it (or joining it, {@link #joinedAlready}), and it is older
     * than any cluster the unplaced ones would found, so that their own plan would merge them into
     * it too. The anchor is among the placed ones, or among the unplaced when its Directory left it
     * to the event ({@link Message.Probe#mayJoin}): as single mode's passes start from the first
     * known identifier, the known ones' profile takes it in. A known identifier another event is
     * placing counts in the cluster of that event's anchor, which must be a placed identifier of
     * this event ({@link #placedTogether}).
     */
    private static ClusterId homeOfUnsent(GatherState<?> pending, List<String> evidence) {
        Set<ClusterId> placed = new TreeSet<>();
        for (String identifier : evidence) {
            if (pending.unsent.containsKey(identifier)) {
                continue;
            }
            String placer = placer(pending, evidence, identifier);
            if (placer == null) {
                return null;
            }
            placed.add(joinedCluster(pending, evidence, placer));
        }
        if (placed.size() != 1) {
            return null;
        }
        ClusterId home = placed.iterator().next();
        for (String identifier : evidence) {
            if (pending.unsent.containsKey(identifier)
                    && home.compareTo(pending.replies.get(identifier)) >= 0) {
                return null;
            }
        }
        return home;
    }

    /**
     * Founds the clusters the event's unplaced identifiers would found, as their Directory would.
     */
    private static <E, A> void foundUnsent(
            GatherState<E> pending, List<String> identifiers, Outbox<E, A> out) {
        if (pending.unsent == null) {
            return;
        }
        for (String identifier : identifiers) {
            if (pending.unsent.containsKey(identifier)) {
                out.send(
                        Address.cluster(pending.replies.get(identifier)),
                        GatherActor.<E, A>unsent(pending, identifier).tellingDirectory());
            }
        }
    }

    private static <E, A> Message.Init<E, A> unsent(GatherState<?> pending, String identifier) {
        return new Message.Init<>(
                identifier, pending.unsentKeys.get(identifier), pending.unsent.get(identifier));
    }

    /**
     * Whether the event's clusters are one once the founding merges under way are done: each
     * cluster other than the oldest was founded by an earlier event beside the cluster of another
     * identifier of this event, older than it, and that event's plan links the two (should a rule
     * refuse it, the refused cluster tells its founder's Directory, which then answers without the
     * merge under way). Linking them again would plan a merge already planned.
     */
    private static boolean joinedAlready(GatherState<?> pending, List<String> evidence) {
        return pending.joining != null && placedTogether(pending, evidence);
    }

    /**
     * Whether the event's identifiers are in one cluster once the placements and founding merges
     * under way are done: each identifier another event is placing counts in the cluster of that
     * event's anchor, which must be a placed identifier of this event (the placement puts it there,
     * or links it there by that event's plan), and each founded beside an anchor of this event in
     * the anchor's ({@link #joinedCluster}).
     */
    private static boolean placedTogether(GatherState<?> pending, List<String> evidence) {
        Set<ClusterId> clusters = new TreeSet<>();
        for (String identifier : evidence) {
            String placer = placer(pending, evidence, identifier);
            if (placer == null) {
                return false;
            }
            clusters.add(joinedCluster(pending, evidence, placer));
        }
        return clusters.size() == 1;
    }

    /**
     * The identifier whose cluster an identifier of the event counts in: itself, or for one another
     * event is placing, that event's anchor, which must be a placed identifier of this event (null
     * when it is not: where the identifier goes is not known yet).
     */
    private static String placer(GatherState<?> pending, List<String> evidence, String identifier) {
        if (pending.provisional == null || !pending.provisional.contains(identifier)) {
            return identifier;
        }
        String placer = pending.placing == null ? null : pending.placing.get(identifier);
        boolean placed =
                placer != null
                        && evidence.contains(placer)
                        && !pending.provisional.contains(placer)
                        && (pending.unsent == null || !pending.unsent.containsKey(placer));
        return placed ? placer : null;
    }

    /**
     * The identifier's cluster once the founding merge under way is done: the cluster of the anchor
     * it was founded beside, when that anchor is an identifier of this event with an older cluster;
     * else its own.
     */
    private static ClusterId joinedCluster(
            GatherState<?> pending, List<String> evidence, String identifier) {
        ClusterId cluster = pending.replies.get(identifier);
        String anchor = pending.joining == null ? null : pending.joining.get(identifier);
        if (anchor != null && evidence.contains(anchor)) {
            ClusterId anchors = pending.replies.get(anchor);
            if (anchors.compareTo(cluster) < 0) {
                return anchors;
            }
        }
        return cluster;
    }

    /**
     * The identifier a refusal of the link between two clusters is blamed on: the weaker of the
     * event's identifiers in each (the event lists its identifiers highest priority first).
     */
    private static String weaker(List<String> identifiers, String one, String other) {
        return identifiers.indexOf(one) >= identifiers.indexOf(other) ? one : other;
    }

    private static <E> GatherState<E> done() {
        GatherState<E> done = new GatherState<>();
        done.done = true;
        return done;
    }
}
