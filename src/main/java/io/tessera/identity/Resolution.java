package io.tessera.identity;

import java.util.List;

/**
 * What resolving one event did to the graph.
 *
 * @param profileId the profile the event was credited to; for a delete, the first profile deleted,
 *     or null when its identifiers were unknown
 * @param updated profiles that changed (the credited one, merge winners, new profiles)
 * @param created ids of the profiles this event founded
 * @param removed profiles merged away
 * @param merges the merges, in the order they happened
 * @param rejections the links the rules refused
 * @param deleted profiles a delete request removed
 */
public record Resolution(
        String profileId,
        List<ProfileState> updated,
        List<String> created,
        List<String> removed,
        List<ProfileMerged> merges,
        List<RejectedLink> rejections,
        List<String> deleted) {}
