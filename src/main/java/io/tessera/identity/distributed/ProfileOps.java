package io.tessera.identity.distributed;

import java.io.Serializable;

/**
 * What the protocol needs to know of profile state: how an event is credited and how a loser's
 * state is folded into the winner's (the trait monoids). {@code E} is what an event contributes,
 * {@code A} a profile's accumulated state.
 */
public interface ProfileOps<E, A> extends Serializable {
    /** The state of a new cluster. */
    A empty(ClusterId id);

    /** Credits one event to the state. */
    void credit(A state, String eventId, E payload);

    /**
     * Folds a loser's state into the winner's.
     *
     * @param at the time of the event whose link merged them, or {@link Message#UNKNOWN_TIME}
     */
    void absorb(A winner, A loser, long at);

    /** The event time of an event. */
    long time(E event);

    /** A new member joined the cluster (its founder is in the empty state already). */
    default void admit(A state, String identifier) {}

    /**
     * Whether the event must wait for an earlier event of its order key that the profile has not
     * been credited yet (it is on its way by another path: carried by a merge, relayed through the
     * loop). The cluster holds it until that one is credited, or until event time passes it.
     */
    default boolean waits(A state, E event) {
        return false;
    }

    /**
     * The cluster was founded by the event at {@code position} of {@code key}: the key's events
     * before it were credited elsewhere, and none of them is waited for here.
     */
    default void founded(A state, String key, long position) {}
}
