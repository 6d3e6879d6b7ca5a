package io.tessera.identity;

import java.util.HashMap;
import java.util.Map;

/** The identity graph in plain maps, for tests of the graph without Flink. */
final class InMemoryGraphStore implements GraphStore {
    final Map<String, DirectoryEntry> durable = new HashMap<>();
    final Map<String, DirectoryEntry> expiring = new HashMap<>();
    final Map<String, String> forwards = new HashMap<>();
    final Map<String, ProfileState> profiles = new HashMap<>();

    /** The creation time of every profile ever stored, merged away or not. */
    final Map<String, Long> createdAt = new HashMap<>();

    @Override
    public DirectoryEntry directory(String identifierKey, boolean expiringType) {
        return (expiringType ? expiring : durable).get(identifierKey);
    }

    @Override
    public void putDirectory(String identifierKey, boolean expiringType, DirectoryEntry entry) {
        (expiringType ? expiring : durable).put(identifierKey, entry);
    }

    @Override
    public void removeDirectory(String identifierKey, boolean expiringType) {
        (expiringType ? expiring : durable).remove(identifierKey);
    }

    @Override
    public String forward(String profileId) {
        return forwards.get(profileId);
    }

    @Override
    public void putForward(String loserId, String winnerId) {
        forwards.put(loserId, winnerId);
    }

    @Override
    public ProfileState profile(String profileId) {
        return profiles.get(profileId);
    }

    @Override
    public void putProfile(ProfileState profile) {
        profiles.put(profile.id, profile);
        createdAt.put(profile.id, profile.createdAt);
    }

    @Override
    public void removeProfile(String profileId) {
        profiles.remove(profileId);
    }

    /** The live profile an identifier key resolves to, following forwards; null if unknown. */
    ProfileState profileOf(String identifierKey) {
        DirectoryEntry entry =
                durable.containsKey(identifierKey)
                        ? durable.get(identifierKey)
                        : expiring.get(identifierKey);
        if (entry == null) {
            return null;
        }
        String id = entry.profileId;
        while (forwards.containsKey(id)) {
            id = forwards.get(id);
        }
        return profiles.get(id);
    }

    /** Every directory entry, both TTL classes. */
    Map<String, DirectoryEntry> directory() {
        Map<String, DirectoryEntry> all = new HashMap<>(durable);
        all.putAll(expiring);
        return all;
    }
}
