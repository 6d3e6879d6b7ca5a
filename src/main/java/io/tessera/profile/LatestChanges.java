package io.tessera.profile;

import io.tessera.identity.ProfileUpdate;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The latest change of each profile changed since the last drain, in the order the profiles first
 * changed: what goes out for them is their snapshot as it is now, once, where every change made
 * one.
 *
 * <p>A later snapshot replaces an earlier one, and a removal replaces a snapshot (a merged or
 * deleted profile has nothing left to show). A snapshot that follows a removal of the same profile
 * lets the removal out first: the removal clears what the consumers keep of the profile (its
 * memberships, what was activated), and the snapshot starts afresh.
 */
final class LatestChanges {
    /** A change waiting, with the time of the record that carried it. */
    record Change(ProfileUpdate update, long timestamp, boolean hasTimestamp) {}

    private final Map<String, Change> waiting = new LinkedHashMap<>();

    /**
     * Takes a change.
     *
     * @return a change that must go out now, before this one (a removal this snapshot follows), or
     *     null
     */
    Change offer(Change change) {
        Change before = waiting.put(change.update().profileId(), change);
        if (before != null && before.update().isRemoval() && !change.update().isRemoval()) {
            return before;
        }
        return null;
    }

    boolean isEmpty() {
        return waiting.isEmpty();
    }

    int size() {
        return waiting.size();
    }

    /** Hands every waiting change on, in order, and forgets them. */
    void drain(Consumer<Change> out) {
        Iterator<Change> changes = waiting.values().iterator();
        while (changes.hasNext()) {
            Change change = changes.next();
            changes.remove();
            out.accept(change);
        }
    }
}
