package io.tessera.identity.distributed;

/** Where an actor's step puts what it sends and what it reports. */
public interface Outbox<E, A> {
    /** A message to another actor (or to itself). */
    void send(Address to, Message<E, A> message);

    /** A cluster was merged into another (for the alias log). */
    void merged(ClusterId loser, ClusterId winner, long at);

    /** A merge the rules refused (for the audit of rejected links). */
    void rejected(ClusterId loser, ClusterId winner, String rule, String detail);

    /**
     * A profile was erased by a privacy delete: its state, and the delete (the later stages see it,
     * activation clears the person's attributes).
     */
    void erased(ClusterId cluster, A state, E delete);

    /** An event that reached an erased profile, dropped with the erased person. */
    void dropped(E event);

    /**
     * An event that reached an erased profile but happened after the delete: routed again from the
     * start. Its identifiers are forgotten by then (the erased cluster's forgets went out before
     * it, in the same order), so it starts a new profile, as it would have in single mode.
     */
    void resend(String eventId, E event);
}
