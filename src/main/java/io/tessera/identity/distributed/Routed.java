package io.tessera.identity.distributed;

/**
 * A protocol message between the actors' operators, or through the loop topic: the target actor and
 * key, and the message as its loop record ({@link LoopCodec}). A POJO, so Flink serializes it
 * without Kryo.
 */
public class Routed {
    /** {@link Actor} name of the target. */
    public String actor;

    /** The target's key: an identifier, an event id, or a cluster id. */
    public String key;

    /** The message as a loop record. */
    public byte[] record;

    /**
     * A record of a stamped loop: the attempt that wrote it ({@link LoopLineage.Stamp}), null on
     * the job's own edges and in a transactional loop.
     */
    public String attempt;

    /** A record of a stamped loop: the checkpoint it belongs to. */
    public long checkpoint;

    /** A POJO needs a public no-argument constructor. */
    public Routed() {}

    public Routed(Address to, byte[] record) {
        this.actor = to.actor().name();
        this.key = to.key();
        this.record = record;
    }

    /** The loop stamp, or null. */
    public LoopLineage.Stamp stamp() {
        return attempt == null ? null : new LoopLineage.Stamp(attempt, checkpoint);
    }

    /** Whether it goes to the given actor. */
    public boolean isFor(Actor target) {
        return target.name().equals(actor);
    }
}
