package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A cluster: alive (a profile, possibly locked while it asks an older cluster to take it), the
 * tombstone of one merged into {@link #forward}, or erased by a privacy delete.
 */
public final class ClusterState<E, A> implements java.io.Serializable {
    /** Merged into {@link #forward}: everything sent here is passed on. */
    public boolean tombstone;

    public ClusterId forward;

    /** Its identifiers; the founder is always one. */
    public Set<String> members = new TreeSet<>();

    /** The profile's accumulated state. */
    public A state;

    /** Losers already absorbed: an absorb comes once. */
    public Set<ClusterId> absorbed = new TreeSet<>();

    /** Accepted proposals whose absorb has not arrived, by loser. */
    public Map<ClusterId, Reservation> reserved = new TreeMap<>();

    /** The older cluster it proposed to merge into, while waiting for the answer; else null. */
    public ClusterId lockedOn;

    /** Where to turn next if the cluster it proposed to refuses (older clusters, oldest first). */
    public List<ClusterId> fallbacks = new ArrayList<>();

    /** The identifier a refusal of the pending link is blamed on, or null. */
    public String blamed;

    /** The time of the event behind the pending link: the time of the merge it commits. */
    public long linkedAt = Message.UNKNOWN_TIME;

    /**
     * Whether the pending link went out as an {@link Message.Offer}: the winner may hold the state
     * already, so what would change it waits in the buffer for the answer.
     */
    public boolean offered;

    /** Whether it offered itself to {@link #lockedOn} and waits for the answer. */
    public boolean onOffer() {
        return lockedOn != null && offered;
    }

    /** The event the pending link carries, credited where the cluster ends up. */
    public Message.Contribute<E, A> carried;

    /**
     * Whether it ever showed as a profile (credited an event or absorbed one): only then is its
     * merge published.
     */
    public boolean announced;

    /**
     * Events that wait for an earlier event of their order key (on its way by another path),
     * credited when it is, or when event time passes them ({@link ProfileOps#waits}).
     */
    public List<Message.Contribute<E, A>> held = new ArrayList<>();

    /**
     * Whether it is new and has not yet heard from the event that founded it. Until then the links
     * and events of later events wait in {@link #early}: the founding event acts on the cluster
     * first, as in single mode, where the event that brings an identifier first links it first.
     */
    public boolean awaitingFounder;

    /**
     * Links and events of events later than the cluster's creation that arrived before its founding
     * event's, in their order; handled right after it (or when event time passes the creation,
     * should it never come).
     */
    public List<Message<E, A>> early = new ArrayList<>();

    /**
     * The {@link Message.Plan}s this cluster decides, with the offers and skips of the clusters
     * they name, until each plan is answered; and events relayed behind an offer that waits there.
     */
    public List<Message<E, A>> planned = new ArrayList<>();

    /** Messages that arrived while locked, replayed after the answer. */
    public List<Message<E, A>> buffer = new ArrayList<>();

    /** Over a limit through fast-path merges (nothing refused, so it is flagged). */
    public boolean unhealthy;

    /**
     * Erased by a privacy delete (then also a {@link #tombstone} with no forward): it keeps no
     * member and no profile; what reaches it later is dropped, and a loser that still merges in is
     * erased too.
     */
    public boolean erased;

    /** The delete that erased it, for the losers erased after it. */
    public E erasedBy;

    /** The event time of that delete: an event after it that still reaches here starts anew. */
    public long erasedAt;

    /**
     * What it held when erased (unique values hashed): a link that arrives later, from an event
     * before the delete, follows the person to the cluster it would have merged into.
     */
    public Reservation erasedHeld;
}
