package io.tessera.identity.distributed;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** A multi-identifier event waiting for the Directory's replies (or done). */
public final class GatherState<E> implements java.io.Serializable {
    public List<String> identifiers;
    public String anchor;
    public long time;
    public E payload;
    public Map<String, ClusterId> replies = new TreeMap<>();

    /** Identifiers the Directory answered are quarantined: they take no part in linking. */
    public Set<String> quarantined = new TreeSet<>();

    /**
     * Identifiers whose cluster the event's own probe founded: new with the event (null in a state
     * written before it was kept).
     */
    public Set<String> founded = new TreeSet<>();

    /**
     * Identifiers whose cluster is on its way to join the cluster of another identifier (its
     * founding merge), with that identifier; null when none (or in a state written before).
     */
    public Map<String, String> joining;

    /**
     * Identifiers new with the event beside its anchor that no Directory founded a cluster for
     * ({@link Message.Reply#unsent}), with the place of the event in its order key (the Init of the
     * cluster each would found); null when none.
     */
    public Map<String, Long> unsent;

    /** The event's order key, for the identifiers in {@link #unsent} (absent: none). */
    public Map<String, String> unsentKeys;

    /**
     * Identifiers whose answer so far says another event is placing them ({@link
     * Message.Reply#provisional}); null when none.
     */
    public Set<String> provisional;

    /**
     * For each identifier in {@link #provisional}, the anchor of the event placing it (the cluster
     * it is being placed in); null when none, or in a state written before it was kept.
     */
    public Map<String, String> placing;

    public boolean done;
}
