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
}
