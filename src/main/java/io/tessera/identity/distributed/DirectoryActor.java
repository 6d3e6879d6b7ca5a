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
     */
    public record Entry(ClusterId cluster, long forgottenSince, long foundAfter, int rejections) {
        /** The state of an identifier never seen. */
        public static final Entry NONE = new Entry(null, Long.MAX_VALUE, Long.MIN_VALUE, 0);

        public Entry with(ClusterId cluster) {
            return new Entry(cluster, forgottenSince, foundAfter, rejections);
        }

        /** The same with the rejections blamed on the identifier. */
        public Entry withRejections(int rejections) {
            return new Entry(cluster, forgottenSince, foundAfter, rejections);
        }
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
                long created =
                        entry.foundAfter() == Long.MIN_VALUE
                                ? probe.foundingTime()
                                : Math.max(probe.foundingTime(), entry.foundAfter() + 1);
                cluster = new ClusterId(created, identifier);
                if (entry.foundAfter() != Long.MIN_VALUE) {
                    entry = new Entry(null, entry.forgottenSince(), created, entry.rejections());
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
                                founded));
            }
            return entry.with(cluster);
        }
        if (message instanceof Message.Repoint<E, A> repoint) {
            if (cluster == null || repoint.cluster().createdAt() >= entry.forgottenSince()) {
                return entry;
            }
            return entry.with(ClusterId.min(cluster, repoint.cluster()));
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
                    entry.rejections());
        }
        if (message instanceof Message.Blame<E, A>) {
            return entry.withRejections(entry.rejections() + 1);
        }
        throw new IllegalArgumentException("a Directory cannot take " + message);
    }
}
