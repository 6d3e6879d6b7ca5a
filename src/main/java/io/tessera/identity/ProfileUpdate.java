package io.tessera.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A change of one profile for the compacted {@code cdp.profiles} topic: its new snapshot, or its
 * removal (a tombstone) when it was merged into another or deleted by a privacy request. Flink
 * carries it in a compact form ({@link ProfileUpdateSerializer}).
 *
 * @param profileId the profile
 * @param snapshot the profile as it is now, or null when it was removed
 * @param mergedInto the winner it was merged into, or null (a deletion)
 */
@TypeInfo(ProfileUpdateSerializer.TypeFactory.class)
public record ProfileUpdate(String profileId, ProfileState snapshot, String mergedInto) {

    /** True when the profile was removed (a tombstone on the compacted topic). */
    public boolean isRemoval() {
        return snapshot == null;
    }
}
