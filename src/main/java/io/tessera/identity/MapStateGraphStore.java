package io.tessera.identity;

import org.apache.flink.api.common.state.MapState;

/**
 * The identity graph in keyed {@code MapState} of the current tenant: every directory entry,
 * forward pointer and profile is its own RocksDB entry, so an event reads and writes only what it
 * touches.
 */
final class MapStateGraphStore implements GraphStore {
    private final MapState<String, DirectoryEntry> durableDirectory;
    private final MapState<String, DirectoryEntry> expiringDirectory;
    private final MapState<String, String> forwards;
    private final MapState<String, ProfileState> profiles;

    MapStateGraphStore(
            MapState<String, DirectoryEntry> durableDirectory,
            MapState<String, DirectoryEntry> expiringDirectory,
            MapState<String, String> forwards,
            MapState<String, ProfileState> profiles) {
        this.durableDirectory = durableDirectory;
        this.expiringDirectory = expiringDirectory;
        this.forwards = forwards;
        this.profiles = profiles;
    }

    @Override
    public DirectoryEntry directory(String identifierKey, boolean expiring) {
        return read(() -> (expiring ? expiringDirectory : durableDirectory).get(identifierKey));
    }

    @Override
    public void putDirectory(String identifierKey, boolean expiring, DirectoryEntry entry) {
        write(() -> (expiring ? expiringDirectory : durableDirectory).put(identifierKey, entry));
    }

    @Override
    public void removeDirectory(String identifierKey, boolean expiring) {
        write(() -> (expiring ? expiringDirectory : durableDirectory).remove(identifierKey));
    }

    @Override
    public String forward(String profileId) {
        return read(() -> forwards.get(profileId));
    }

    @Override
    public void putForward(String loserId, String winnerId) {
        write(() -> forwards.put(loserId, winnerId));
    }

    @Override
    public ProfileState profile(String profileId) {
        return read(() -> profiles.get(profileId));
    }

    @Override
    public void putProfile(ProfileState profile) {
        write(() -> profile.storedWithoutValues(() -> profiles.put(profile.id, profile)));
    }

    @Override
    public void removeProfile(String profileId) {
        write(() -> profiles.remove(profileId));
    }

    /** State access declares {@code Exception}; a failure here must fail the task, unchanged. */
    private interface StateRead<T> {
        T get() throws Exception;
    }

    private interface StateWrite {
        void run() throws Exception;
    }

    private static <T> T read(StateRead<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StateAccessException(e);
        }
    }

    private static void write(StateWrite write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StateAccessException(e);
        }
    }

    /** A state backend failure, carried through the plain-Java graph to fail the task. */
    static final class StateAccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StateAccessException(Exception cause) {
            super("identity state could not be accessed", cause);
        }
    }
}
