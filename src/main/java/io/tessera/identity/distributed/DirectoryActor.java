package io.tessera.identity.distributed;

/**
 * The Directory, keyed by identifier: the cluster it belongs to. It founds a cluster for an
 * identifier seen for the first time, answers probes, and takes repoints to older clusters only
 * (monotone, so their order does not matter).
 */
public final class DirectoryActor {
    private DirectoryActor() {}

    /**
     * One step.
     *
     * @param identifier the key, {@code type:value}
     * @param cluster the cluster it is in, or null when it was never seen (or expired)
     * @return the cluster it is in after the step, or null
     */
    public static <E, A> ClusterId handle(
            String identifier, ClusterId cluster, Message<E, A> message, Outbox<E, A> out) {
        if (message instanceof Message.Probe<E, A> probe) {
            if (cluster == null) {
                cluster = new ClusterId(probe.time(), identifier);
                out.send(Address.cluster(cluster), new Message.Init<>(identifier));
            }
            if (probe.payload() != null) {
                // a single-identifier event: credited here, no Gather needed
                out.send(
                        Address.cluster(cluster),
                        new Message.Contribute<>(probe.eventId(), probe.payload()));
            } else {
                out.send(
                        Address.gather(probe.eventId()),
                        new Message.Reply<>(probe.eventId(), identifier, cluster));
            }
            return cluster;
        }
        if (message instanceof Message.Repoint<E, A> repoint) {
            return cluster == null ? null : ClusterId.min(cluster, repoint.cluster());
        }
        throw new IllegalArgumentException("a Directory cannot take " + message);
    }
}
