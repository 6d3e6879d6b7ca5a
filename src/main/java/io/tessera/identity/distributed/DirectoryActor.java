package io.tessera.identity.distributed;

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
            String joining) {
        /** The state of an identifier never seen. */
        public static final Entry NONE = new Entry(null, Long.MAX_VALUE, Long.MIN_VALUE, 0, null);

        /** A state with no founding merge under way. */
        public Entry(ClusterId cluster, long forgottenSince, long foundAfter, int rejections) {
            this(cluster, forgottenSince, foundAfter, rejections, null);
        }

        public Entry with(ClusterId cluster) {
            return new Entry(cluster, forgottenSince, foundAfter, rejections, joining);
        }

        /** The same with the rejections blamed on the identifier. */
        public Entry withRejections(int rejections) {
            return new Entry(cluster, forgottenSince, foundAfter, rejections, joining);
        }

        /** The same with the anchor whose cluster the identifier's cluster joins (null: none). */
        public Entry joining(String anchor) {
            return new Entry(cluster, forgottenSince, foundAfter, rejections, anchor);
        }
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
        ClusterId cluster = entry.cluster();
        if (message instanceof Message.Probe<E, A> probe) {
            boolean founded = cluster == null;
            if (founded) {
                // Founded beside the event's anchor: the event's plan links the two clusters.
                entry =
                        entry.joining(
                                probe.payload() == null && probe.foundingTime() != probe.time()
                                        ? probe.anchor()
                                        : null);
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
                out.send(
                        Address.cluster(cluster),
                        new Message.Init<>(identifier, probe.orderKey(), probe.orderPosition()));
            }
            if (probe.payload() != null) {
                // a single-identifier event: credited here, no Gather needed
                out.send(
                        Address.cluster(cluster),
                        new Message.Contribute<>(probe.eventId(), probe.payload()));
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
}
