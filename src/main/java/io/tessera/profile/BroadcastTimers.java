package io.tessera.profile;

import java.util.List;
import java.util.Map;

/**
 * A keyed broadcast function that asks, from the broadcast side, for event-time timers on the keys
 * a broadcast element changed. Flink gives that side no timer service: a definition published on
 * the control topic re-evaluates every profile at once, but a profile that will qualify only later
 * needs its wake-up armed without waiting for an event of its own. {@link DefinitionsBroadcast}
 * registers what the function asks for right after each broadcast element.
 *
 * @param <K> the key type
 */
public interface BroadcastTimers<K> {
    /** The timers asked for since the last call, as key and event time; the list is handed over. */
    default List<Map.Entry<K, Long>> takeTimerRequests() {
        return List.of();
    }

    /**
     * The wake-ups of single profiles asked for since the last call ({@link ProfileTimers}); the
     * list is handed over.
     */
    default List<ProfileWakeUp<K>> takeWakeUpRequests() {
        return List.of();
    }

    /** Receives the operator's per-profile timers, once, when the operator opens. */
    default void useProfileTimers(ProfileTimers timers) {}

    /**
     * A wake-up of one profile under a key.
     *
     * @param key the key holding the profile
     * @param profileId the profile
     * @param time its event time
     */
    record ProfileWakeUp<K>(K key, String profileId, long time) {}
}
