package io.tessera.identity.distributed;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Which records of an at-least-once identity loop belong to the job's history. Every record carries
 * a {@link Stamp}: the attempt that wrote it and the checkpoint it belongs to (the first checkpoint
 * its writer had not yet taken). After a failure the job restores checkpoint {@code c} and goes on
 * as a new attempt; the records the failed attempt wrote after {@code c} ("ghosts") are still in
 * the topic, but the restored state never sent them, and the new attempt may decide otherwise: they
 * must be ignored. The lineage is the list of attempts the restored state descends from, each with
 * the checkpoint it started from, kept in the reader's state; a record counts if its attempt is one
 * of them and its checkpoint is within that attempt's stretch.
 */
public final class LoopLineage implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * The writer of a loop record: the attempt ({@link #attempt}) and the checkpoint the record
     * belongs to. An attempt is named by the job, the restart count and the checkpoint it restored.
     */
    public record Stamp(String attempt, long checkpoint) implements Serializable {}

    /** An attempt of the lineage and the checkpoint it started from (0 for none). */
    public record Attempt(String name, long startedFrom) implements Serializable {}

    private final List<Attempt> attempts;

    private LoopLineage(List<Attempt> attempts) {
        this.attempts = List.copyOf(attempts);
    }

    /** The lineage of a job started from no checkpoint. */
    public static LoopLineage start(String attempt) {
        return new LoopLineage(List.of(new Attempt(attempt, 0)));
    }

    /** A lineage read back from state. */
    public static LoopLineage of(List<Attempt> attempts) {
        if (attempts.isEmpty()) {
            throw new IllegalArgumentException("a lineage has at least one attempt");
        }
        return new LoopLineage(attempts);
    }

    /**
     * The lineage of a new attempt that restored {@code checkpoint} of this one: every attempt so
     * far keeps the records up to that checkpoint, none after.
     */
    public LoopLineage restored(long checkpoint, String attempt) {
        List<Attempt> next = new ArrayList<>();
        for (Attempt a : attempts) {
            if (a.startedFrom() < checkpoint) {
                next.add(a);
            }
        }
        next.add(new Attempt(attempt, checkpoint));
        return new LoopLineage(next);
    }

    /** The attempts, oldest first, for the state. */
    public List<Attempt> attempts() {
        return attempts;
    }

    /** The attempt running now. */
    public String current() {
        return attempts.get(attempts.size() - 1).name();
    }

    /**
     * Whether a record belongs to the history: no stamp (written by a release whose loop was
     * transactional, read committed), or an attempt of the lineage within its stretch, from after
     * the checkpoint it started from to the checkpoint the next attempt restored.
     */
    public boolean accepts(Stamp stamp) {
        if (stamp == null) {
            return true;
        }
        for (int i = 0; i < attempts.size(); i++) {
            Attempt a = attempts.get(i);
            if (a.name().equals(stamp.attempt())) {
                long until =
                        i + 1 < attempts.size()
                                ? attempts.get(i + 1).startedFrom()
                                : Long.MAX_VALUE;
                return stamp.checkpoint() > a.startedFrom() && stamp.checkpoint() <= until;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return attempts.toString();
    }
}
