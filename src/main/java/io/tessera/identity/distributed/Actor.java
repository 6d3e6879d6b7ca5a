package io.tessera.identity.distributed;

/** The three keyed actors of the merge protocol (identity.md, "Modes"). */
public enum Actor {
    /** Keyed by identifier: which cluster it belongs to. */
    DIRECTORY,
    /** Keyed by event id: gathers the directory replies of a multi-identifier event. */
    GATHER,
    /** Keyed by cluster id: a profile, or the tombstone of one merged into another. */
    CLUSTER
}
