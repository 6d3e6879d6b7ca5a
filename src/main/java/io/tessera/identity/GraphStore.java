package io.tessera.identity;

/**
 * Where the identity graph lives: in keyed {@code MapState} in the job, in maps in tests. Each call
 * reads or writes one entry, so a RocksDB-backed store touches only what an event needs.
 */
public interface GraphStore {
    /** The directory entry of an identifier key, or null when the identifier is new. */
    DirectoryEntry directory(String identifierKey, boolean expiring);

    /** Writes a directory entry. */
    void putDirectory(String identifierKey, boolean expiring, DirectoryEntry entry);

    /** Removes a directory entry (a deleted person's identifier). */
    void removeDirectory(String identifierKey, boolean expiring);

    /** The profile a merged profile was merged into, or null for a live or unknown profile. */
    String forward(String profileId);

    /** Records that a profile was merged into another. */
    void putForward(String loserId, String winnerId);

    /** A live profile, or null. */
    ProfileState profile(String profileId);

    /** Writes a live profile. */
    void putProfile(ProfileState profile);

    /** Removes a profile that was merged away. */
    void removeProfile(String profileId);
}
