package io.tessera.identity;

import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * What the directory knows of one identifier: the profile it was last resolved to (possibly since
 * merged: follow the forward pointers), and how often it caused a rejected link.
 */
@TypeInfo(DirectoryEntrySerializer.TypeFactory.class)
public class DirectoryEntry {
    /** The profile id, possibly of a profile merged since. */
    public String profileId;

    /** Links this identifier was the evidence of that the rules rejected. */
    public int rejections;

    /** Never link evidence again; still resolves when alone on an event. */
    public boolean quarantined;

    /** A POJO needs a public no-argument constructor. */
    public DirectoryEntry() {}

    /** An entry resolving to the given profile. */
    public DirectoryEntry(String profileId) {
        this.profileId = profileId;
    }
}
