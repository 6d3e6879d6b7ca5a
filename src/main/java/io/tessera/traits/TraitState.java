package io.tessera.traits;

import java.util.Map;
import java.util.TreeMap;

/**
 * The state of one computed trait of one profile: its buckets by start time (a lifetime trait has
 * one bucket, at {@link #LIFETIME}), and the running value of a decayed score.
 */
public class TraitState {
    /** The bucket key of a lifetime trait. */
    public static final long LIFETIME = Long.MIN_VALUE;

    public Map<Long, Bucket> buckets = new TreeMap<>();

    /** Decayed score: its value at {@link #scoreTime}. */
    public double score;

    public long scoreTime = Long.MIN_VALUE;

    /** A POJO needs a public no-argument constructor. */
    public TraitState() {}
}
