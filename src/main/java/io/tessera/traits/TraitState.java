package io.tessera.traits;

import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * The state of one computed trait of one profile: its buckets by start time (a lifetime trait has
 * one bucket, at {@link #LIFETIME}), and the running value of a decayed score. Flink stores it in
 * {@link TraitStateCodec}'s compact form.
 */
@TypeInfo(TraitStateSerializer.TypeFactory.class)
public class TraitState {
    /** The bucket key of a lifetime trait. */
    public static final long LIFETIME = Long.MIN_VALUE;

    public Map<Long, Bucket> buckets = new TreeMap<>();

    /** Decayed score: its value at {@link #scoreTime}. */
    public double score;

    public long scoreTime = Long.MIN_VALUE;

    /** A POJO needs a public no-argument constructor. */
    public TraitState() {}

    /** A deep copy. */
    public TraitState copy() {
        TraitState copy = new TraitState();
        buckets.forEach((start, bucket) -> copy.buckets.put(start, bucket.copy()));
        copy.score = score;
        copy.scoreTime = scoreTime;
        return copy;
    }
}
