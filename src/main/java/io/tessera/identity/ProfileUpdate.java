package io.tessera.identity;

/**
 * A change of one profile for the compacted {@code cdp.profiles} topic: its new snapshot, or its
 * removal when it was merged into another.
 *
 * @param profileId the profile
 * @param snapshot the profile as it is now, or null when it was merged away
 * @param mergedInto the winner it was merged into, or null
 */
public record ProfileUpdate(String profileId, ProfileState snapshot, String mergedInto) {

    /** True when the profile was merged away (a tombstone on the compacted topic). */
    public boolean isRemoval() {
        return snapshot == null;
    }
}
