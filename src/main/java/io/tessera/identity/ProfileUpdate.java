package io.tessera.identity;

/**
 * A change of one profile for the compacted {@code cdp.profiles} topic: its new snapshot, or its
 * removal (a tombstone) when it was merged into another or deleted by a privacy request.
 *
 * @param profileId the profile
 * @param snapshot the profile as it is now, or null when it was removed
 * @param mergedInto the winner it was merged into, or null (a deletion)
 */
public record ProfileUpdate(String profileId, ProfileState snapshot, String mergedInto) {

    /** True when the profile was removed (a tombstone on the compacted topic). */
    public boolean isRemoval() {
        return snapshot == null;
    }
}
