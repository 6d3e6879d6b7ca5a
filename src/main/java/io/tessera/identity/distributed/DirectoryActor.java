package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;

/**
 * The Directory, keyed by identifier: the cluster it belongs to. It founds a cluster for an
 * identifier seen for the first time, answers probes, takes repoints to older clusters only
 * (monotone, so their order does not matter), passes a privacy delete on to the cluster, and
 * forgets the cluster when that cluster was erased.
 */
public final class DirectoryActor {
    private DirectoryActor() {}

    /**
     * A Directory's state.
     *
     * @param cluster the cluster the identifier is in, or null when it was never seen (or expired,
     *     or forgotten by a delete)
     * @param forgottenSince the creation time of the oldest erased cluster the identifier belonged
     *     to, or {@link Long#MAX_VALUE}: a repoint to a cluster created then or later may be a
     *     stale one into the erased cluster's merge tree, and is ignored (a repoint only shortens a
     *     chain of forwards, so ignoring one loses nothing). A time, not the cluster's id, so no
     *     identifier of the erased person is kept.
     * @param foundAfter after a delete, the creation time of the youngest cluster it founded or
     *     belonged to that ended in an erased one, or {@link Long#MIN_VALUE}: a cluster it founds
     *     again is created after it, so the new profile never takes the id of a cluster whose chain
     *     leads to an erased one (an event may come with the very time of the first one)
     * @param rejections refused links blamed on the identifier
     * @param joining the anchor of the event that founded the identifier's cluster beside the
     *     anchor's, until a repoint ends that founding merge, or null ({@link
     *     Message.Reply#joining})
     */
    public record Entry(
            ClusterId cluster,
            long forgottenSince,
            long foundAfter,
            int rejections,
            String joining,
            ClusterId unplaced,
            List<Message<?, ?>> held) {
        /** The state of an identifier never seen. */
        public static final Entry NONE = new Entry(null, Long.MAX_VALUE, Long.MIN_VALUE, 0, null);

        /** A state with no founding merge under way. */
        public Entry(ClusterId cluster, long forgottenSince, long foundAfter, int rejections) {
            this(cluster, forgottenSince, foundAfter, rejections, null);
        }

        /** A state with the identifier placed (or never seen). */
        public Entry(
                ClusterId cluster,
                long forgottenSince,
                long foundAfter,
                int rejections,
                String joining) {
            this(cluster, forgottenSince, foundAfter, rejections, joining, null, List.of());
        }

        public Entry with(ClusterId cluster) {
            return new Entry(
                    cluster, forgottenSince, foundAfter, rejections, joining, unplaced, held);
        }

        /** The same with the rejections blamed on the identifier. */
        public Entry withRejections(int rejections) {
            return new Entry(
                    cluster, forgottenSince, foundAfter, rejections, joining, unplaced, held);
        }

        /** The same with the anchor whose cluster the identifier's cluster joins (null: none). */
        public Entry joining(String anchor) {
            return new Entry(
                    cluster, forgottenSince, foundAfter, rejections, anchor, unplaced, held);
        }

        /**
         * The same, unplaced: new with an event beside its anchor, {@code wouldFound} the cluster
         * it would have founded, until a repoint or a forget places it ({@link
         * Message.Reply#unsent}); {@code held} what reached it meanwhile, in its order.
         */
        public Entry unplaced(ClusterId wouldFound, List<Message<?, ?>> held) {
            return new Entry(
                    cluster, forgottenSince, foundAfter, rejections, joining, wouldFound, held);
        }
    }

    /**
     * Whether the message waits in the Directory's state: an identifier not placed yet holds the
     * probes and deletes that reach it until it is placed (then they are handled in their order).
     */
    public static boolean holds(Entry entry, Message<?, ?> message) {
        return entry.unplaced() != null
                && (message instanceof Message.Probe<?, ?>
                        || message instanceof Message.Erase<?, ?>
                        || (message instanceof Message.Repoint<?, ?> repoint
                                && !entry.unplaced().equals(repoint.placement())));
    }

    /**
     * Whether a probe finds the identifier new beside the event's anchor, or finds the event's
     * anchor new where its key named another identifier of it before ({@link
     * Message.Probe#mayJoin}), so that the event places it: the Directory founds no cluster and
     * sends no Init, and answers what it would have founded ({@link Message.Reply#unsent}). A
     * quarantined identifier is founded as before (it takes no part in the event's plan, so nothing
     * else would place it).
     */
    private static boolean placedByEvent(
            Entry entry, Message.Probe<?, ?> probe, int quarantineAfter) {
        return probe.payload() == null
                && (probe.foundingTime() != probe.time() || probe.mayJoin())
                && entry.rejections() < quarantineAfter;
    }

    /**
     * Whether a Gather's probe of a known identifier is answered with {@link Entry#joining}: only
     * while the identifier is still in the cluster it founded and is not the event's anchor, the
     * only case where the marker can be set and matter (so the Directory's operator reads it for no
     * other probe).
     */
    public static <E, A> boolean answersJoining(
            String identifier, ClusterId cluster, Message.Probe<E, A> probe) {
        return probe.payload() == null
                && cluster.founder().equals(identifier)
                && !identifier.equals(probe.anchor());
    }

    /**
     * One step.
     *
     * @param identifier the key, {@code type:value}
     * @param entry its state ({@link Entry#NONE} when never seen)
     * @param quarantineAfter rejections after which the identifier is quarantined
     * @return the state after the step
     */
    public static <E, A> Entry handle(
            String identifier,
            Entry entry,
            Message<E, A> message,
            int quarantineAfter,
            Outbox<E, A> out) {
        return handle(identifier, entry, message, quarantineAfter, true, out);
    }

    /**
     * One step.
     *
     * @param mayWait whether a probe may leave a new identifier unplaced: not for a probe held
     *     while it was (its event was answered so already, and may have gone on without it)
     */
    private static <E, A> Entry handle(
            String identifier,
            Entry entry,
            Message<E, A> message,
            int quarantineAfter,
            boolean mayWait,
            Outbox<E, A> out) {
        ClusterId cluster = entry.cluster();
        if (holds(entry, message)) {
            if (message instanceof Message.Probe<E, A> probe && probe.payload() == null) {
                // answered at once, and again once placed
                out.send(
                        Address.gather(probe.eventId()),
                        Message.Reply.<E, A>beingPlaced(
                                probe.eventId(), identifier, entry.unplaced(), entry.joining()));
            }
            List<Message<?, ?>> held = new ArrayList<>(entry.held());
            held.add(message);
            return entry.unplaced(entry.unplaced(), List.copyOf(held));
        }
        if (entry.unplaced() != null
                && (message instanceof Message.Repoint<E, A>
                        || message instanceof Message.Forget<E, A>)) {
            return place(identifier, entry, message, quarantineAfter, out);
        }
        if (message instanceof Message.Probe<E, A> probe) {
            boolean founded = cluster == null;
            if (founded) {
                long created =
                        entry.foundAfter() == Long.MIN_VALUE
                                ? probe.foundingTime()
                                : Math.max(probe.foundingTime(), entry.foundAfter() + 1);
                cluster = new ClusterId(created, identifier);
                if (entry.foundAfter() != Long.MIN_VALUE) {
                    entry =
                            new Entry(
                                    null,
                                    entry.forgottenSince(),
                                    created,
                                    entry.rejections(),
                                    entry.joining());
                }
                Message.Init<E, A> init =
                        new Message.Init<>(identifier, probe.orderKey(), probe.orderPosition());
                if (mayWait && placedByEvent(entry, probe, quarantineAfter)) {
                    // the event places it: no cluster of its own
                    out.send(
                            Address.gather(probe.eventId()),
                            Message.Reply.placedByTheEvent(
                                    probe.eventId(), identifier, cluster, init));
                    // (the anchor itself joins whatever profile takes it: no anchor to name)
                    return entry.joining(identifier.equals(probe.anchor()) ? null : probe.anchor())
                            .unplaced(cluster, List.of());
                }
                // Founded beside the event's anchor: the event's plan links the two clusters.
                entry =
                        entry.joining(
                                probe.payload() == null && probe.foundingTime() != probe.time()
                                        ? probe.anchor()
                                        : null);
                out.send(Address.cluster(cluster), init);
            }
            if (probe.payload() != null) {
                // an event of one identifier, or one whose identifiers its key named before: no
                // Gather needed (the cluster checks that it holds every identifier of the latter)
                out.send(
                        Address.cluster(cluster),
                        new Message.Contribute<>(
                                probe.eventId(), probe.payload(), probe.requires()));
            } else {
                out.send(
                        Address.gather(probe.eventId()),
                        new Message.Reply<>(
                                probe.eventId(),
                                identifier,
                                cluster,
                                entry.rejections() >= quarantineAfter,
                                founded,
                                // the founding event's own plan is the merge under way
                                founded || !answersJoining(identifier, cluster, probe)
                                        ? null
                                        : entry.joining()));
            }
            return entry.with(cluster);
        }
        if (message instanceof Message.Repoint<E, A> repoint) {
            // the founding merge is over, whichever way it went
            Entry over = entry.joining(null);
            if (cluster == null
                    || repoint.apart()
                    || repoint.cluster().createdAt() >= entry.forgottenSince()) {
                return over;
            }
            return over.with(ClusterId.min(cluster, repoint.cluster()));
        }
        if (message instanceof Message.Erase<E, A> erase) {
            if (cluster != null) {
                out.send(Address.cluster(cluster), erase);
            }
            return entry; // forgotten when the erased cluster says so
        }
        if (message instanceof Message.Forget<E, A> forget) {
            ClusterId erased = forget.cluster();
            // A member of the erased cluster points to it or into its merge tree (younger).
            boolean member = cluster != null && cluster.compareTo(erased) >= 0;
            return new Entry(
                    member ? null : cluster,
                    Math.min(entry.forgottenSince(), erased.createdAt()),
                    Math.max(entry.foundAfter(), Math.max(erased.createdAt(), forget.foundAfter())),
                    entry.rejections(),
                    null);
        }
        if (message instanceof Message.Blame<E, A>) {
            return entry.withRejections(entry.rejections() + 1);
        }
        throw new IllegalArgumentException("a Directory cannot take " + message);
    }

    /**
     * An unplaced identifier learns where its event put it: a repoint names the cluster it joined
     * (or the one founded for it), a forget says that cluster was erased. What it held is handled
     * now, in its order.
     */
    @SuppressWarnings("unchecked")
    private static <E, A> Entry place(
            String identifier,
            Entry entry,
            Message<E, A> message,
            int quarantineAfter,
            Outbox<E, A> out) {
        List<Message<?, ?>> held = entry.held();
        Entry placed = entry.unplaced(null, List.of());
        if (message instanceof Message.Repoint<E, A> repoint) {
            // where this placement put it (a repoint into an erased tree never places)
            placed = placed.joining(null).with(repoint.cluster());
        } else {
            // a forget: the cluster that took it in was erased. A cluster it founds next is created
            // after the one this placement named, so a late repoint of this placement (naming that
            // id) cannot place it into the erased cluster
            Entry after =
                    new Entry(
                            placed.cluster(),
                            placed.forgottenSince(),
                            Math.max(placed.foundAfter(), entry.unplaced().createdAt()),
                            placed.rejections(),
                            placed.joining(),
                            null,
                            List.of());
            placed = handle(identifier, after, message, quarantineAfter, out);
        }
        for (Message<?, ?> waiting : held) {
            placed =
                    handle(
                            identifier,
                            placed,
                            (Message<E, A>) waiting,
                            quarantineAfter,
                            false,
                            out);
        }
        return placed;
    }
}
