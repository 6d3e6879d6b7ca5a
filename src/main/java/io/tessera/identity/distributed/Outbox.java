package io.tessera.identity.distributed;

/** Where an actor's step puts what it sends and what it reports. */
public interface Outbox<E, A> {
    /** A message to another actor (or to itself). */
    void send(Address to, Message<E, A> message);

    /** A cluster was merged into another (for the alias log). */
    void merged(ClusterId loser, ClusterId winner);

    /** A merge the rules refused (for the audit of rejected links). */
    void rejected(ClusterId loser, ClusterId winner, String rule, String detail);
}
