package io.tessera.identity.distributed;

/** The three keyed actors of the merge protocol (identity.md, "Modes"). */
public enum Actor {
    /** Keyed by identifier: which cluster it belongs to. */
    DIRECTORY,
    /** Keyed by event id: gathers the directory replies of a multi-identifier event. */
    GATHER,
    /** Keyed by cluster id: a profile, or the tombstone of one merged into another. */
    CLUSTER,
    /**
     * Not an actor: what the Cluster subtasks counted as leaving the protocol ({@link
     * LoopProgress}), read back from the loop by {@link ClusterWatermarks}. A release before it
     * reads no such records and ignores them.
     */
    PROGRESS
}
