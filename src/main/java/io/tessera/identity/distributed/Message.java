package io.tessera.identity.distributed;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The messages of the merge protocol (research note, section 3.2). {@code E} is what an event
 * contributes to a profile, {@code A} a profile's accumulated state.
 */
public sealed interface Message<E, A> extends java.io.Serializable {

    /** A multi-identifier event, to its Gather: probe every identifier. */
    record Event<E, A>(
            String eventId, List<String> identifiers, String anchor, long time, E payload)
            implements Message<E, A> {}

    /**
     * To the Directory of an identifier: which cluster is it in (created when new)? With a payload
     * (a single-identifier event) the Directory credits it directly, skipping Gather.
     *
     * @param anchor the event's anchor, or null (a probe written before it was carried): a new
     *     identifier other than the anchor founds its cluster a millisecond after the event, so
     *     among the clusters one event founds the anchor's is the oldest, the others merge into it,
     *     and the event is credited there at once instead of crossing the loop with a link
     * @param requires for an event of several identifiers sent straight to its anchor's Directory
     *     (its key's events named every identifier of it before, so it most likely links nothing):
     *     all its identifiers, which the Directory passes on with the event ({@link
     *     Contribute#requires}); null for any other probe (loop version 7)
     * @param mayJoin for a Gather's probe of the event's anchor: its key's events named another
     *     identifier of it before, so the anchor, if never seen, most likely joins that profile (a
     *     login's new user id): its Directory founds nothing and leaves it to the event to place,
     *     as an identifier new beside the anchor is ({@link Reply#unsent}, {@link Admit#anchor};
     *     loop version 8)
     */
    record Probe<E, A>(
            String eventId,
            String identifier,
            long time,
            E payload,
            String orderKey,
            long orderPosition,
            String anchor,
            List<String> requires,
            boolean mayJoin)
            implements Message<E, A> {
        /** A probe for an event not numbered by its key. */
        public Probe(String eventId, String identifier, long time, E payload) {
            this(eventId, identifier, time, payload, null, 0, null, null, false);
        }

        /** A probe of a Gather, or of an event's only identifier. */
        public Probe(
                String eventId,
                String identifier,
                long time,
                E payload,
                String orderKey,
                long orderPosition,
                String anchor) {
            this(eventId, identifier, time, payload, orderKey, orderPosition, anchor, null, false);
        }

        /** When a cluster this probe founds is created: see {@link #anchor}. */
        public long foundingTime() {
            return anchor == null || anchor.equals(identifier) ? time : time + 1;
        }
    }

    /**
     * The Directory's answer to a Gather: the identifier's cluster, whether it is quarantined
     * (refused links were blamed on it too often, so it links nothing any more), whether the probe
     * founded the cluster (the identifier is new with the event: single mode's home is the first
     * identifier known before it), and the identifier the cluster is on its way to join (null when
     * none).
     *
     * @param joining the anchor of the event that founded the identifier's cluster while the
     *     cluster's founding merge is under way (the Directory founded it beside the anchor's: that
     *     event's plan links the two, so a later event naming both need not link them again), or
     *     null
     * @param unsent for an identifier new with the event beside its anchor: the {@link Init} the
     *     Directory did not send, {@code cluster} the cluster it would found. The identifier is
     *     placed by the event (it joins the anchor's cluster, {@link Admit}, or the Gather founds
     *     it), and its Directory holds what reaches it until a {@link Repoint} says where it went.
     *     Null otherwise.
     * @param provisional the identifier is being placed by another event (whose anchor is {@code
     *     joining}; {@code cluster} is the one it would found): this answer comes at once, so that
     *     two events placing each other's identifiers never wait for each other, and the answer
     *     with its cluster follows once it is placed; the Gather waits for that one.
     */
    record Reply<E, A>(
            String eventId,
            String identifier,
            ClusterId cluster,
            boolean quarantined,
            boolean founded,
            String joining,
            Init<E, A> unsent,
            boolean provisional)
            implements Message<E, A> {
        /** The answer for an identifier the Directory placed. */
        public Reply(
                String eventId,
                String identifier,
                ClusterId cluster,
                boolean quarantined,
                boolean founded,
                String joining) {
            this(eventId, identifier, cluster, quarantined, founded, joining, null, false);
        }

        /** The answer for an identifier new beside the anchor, which the event places. */
        public static <E, A> Reply<E, A> placedByTheEvent(
                String eventId, String identifier, ClusterId wouldFound, Init<E, A> unsent) {
            return new Reply<>(eventId, identifier, wouldFound, false, true, null, unsent, false);
        }

        /** The answer at once for an identifier another event is placing beside its anchor. */
        public static <E, A> Reply<E, A> beingPlaced(
                String eventId, String identifier, ClusterId wouldFound, String anchor) {
            return new Reply<>(eventId, identifier, wouldFound, false, false, anchor, null, true);
        }

        /** The answer for an identifier not quarantined, known before. */
        public Reply(String eventId, String identifier, ClusterId cluster) {
            this(eventId, identifier, cluster, false, false, null);
        }

        /** The answer for an identifier known before. */
        public Reply(String eventId, String identifier, ClusterId cluster, boolean quarantined) {
            this(eventId, identifier, cluster, quarantined, false, null);
        }

        /** The answer for an identifier whose cluster joins no other. */
        public Reply(
                String eventId,
                String identifier,
                ClusterId cluster,
                boolean quarantined,
                boolean founded) {
            this(eventId, identifier, cluster, quarantined, founded, null);
        }
    }

    /**
     * To a new cluster: the identifier that founded it (or is forwarded to it) is a member. From
     * the Directory that founded it, with the order key and place of the event that did: the events
     * of that key before it are not the new profile's to wait for.
     */
    record Init<E, A>(
            String identifier, String orderKey, long orderPosition, boolean tellsDirectory)
            implements Message<E, A> {
        /** A member, with no event behind it. */
        public Init(String identifier) {
            this(identifier, null, 0, false);
        }

        /** From the Directory that founded the cluster. */
        public Init(String identifier, String orderKey, long orderPosition) {
            this(identifier, orderKey, orderPosition, false);
        }

        /**
         * The same sent by the event's Gather (or the cluster the event went to) for a Directory
         * that held its identifier unplaced ({@link Reply#unsent}): the new cluster tells that
         * Directory it is placed.
         */
        public Init<E, A> tellingDirectory() {
            return new Init<>(identifier, orderKey, orderPosition, true);
        }
    }

    /**
     * An event credited to the cluster.
     *
     * @param requires the identifiers the cluster must hold to credit the event, for an event sent
     *     straight to its anchor's cluster ({@link Probe#requires}): when its turn comes and the
     *     cluster lacks one (a refusal parted them, a merge is under way, one expired), the event
     *     is routed again through a Gather, which decides as for any event; null for an event whose
     *     Gather (or the Directory of its only identifier) decided its cluster
     */
    record Contribute<E, A>(String eventId, E payload, List<String> requires)
            implements Message<E, A> {
        /** An event whose Gather (or the Directory of its only identifier) decided its cluster. */
        public Contribute(String eventId, E payload) {
            this(eventId, payload, null);
        }
    }

    /**
     * The {@code at} of a message written before messages carried their time (loop versions 1 and
     * 2): its record's timestamp stands in.
     */
    long UNKNOWN_TIME = Long.MIN_VALUE;

    /**
     * To the younger of two clusters seen together: merge into {@code winner}; should the rules
     * refuse, try the {@code fallbacks} (the event's other clusters older than it, oldest first),
     * so that identifiers kept out of one profile still gather among themselves. It may carry the
     * event that saw the two together, when its anchor is in this cluster: the event goes with the
     * cluster where it merges, or is credited here if every one refuses, so a login that merges a
     * new user id into the visitor's profile leaves no trace of a profile of its own. Should the
     * merge be refused, {@code blamed} (if any) takes the rejection. {@code at} is the time of the
     * event that linked them: the time of the merge, however long the link waits in a buffer.
     * {@code plan} (the event's id, or null) names the {@link Plan} the winner decides the offer
     * by, with the event's other offers.
     */
    record Link<E, A>(
            ClusterId winner,
            List<ClusterId> fallbacks,
            Contribute<E, A> carried,
            String blamed,
            long at,
            String plan)
            implements Message<E, A> {
        /** A link of no {@link Plan}: the winner decides its offer when it comes. */
        public Link(
                ClusterId winner,
                List<ClusterId> fallbacks,
                Contribute<E, A> carried,
                String blamed,
                long at) {
            this(winner, fallbacks, carried, blamed, at, null);
        }

        /** The same link, decided on its own at the winner (no plan). */
        public Link<E, A> unplanned() {
            return new Link<>(winner, fallbacks, carried, blamed, at, null);
        }

        /** A link that carries no event, at a time not known. */
        public Link(ClusterId winner, List<ClusterId> fallbacks) {
            this(winner, fallbacks, null, null, UNKNOWN_TIME);
        }

        /** A link that blames nobody when it is refused, at a time not known. */
        public Link(ClusterId winner, List<ClusterId> fallbacks, Contribute<E, A> carried) {
            this(winner, fallbacks, carried, null, UNKNOWN_TIME);
        }
    }

    /**
     * To the Directory of the identifier a refused link is blamed on (the weaker of the pair, as in
     * single mode): one more rejection; at the quarantine threshold it links nothing any more.
     */
    record Blame<E, A>(String identifier) implements Message<E, A> {}

    /**
     * A locked loser offers itself whole to the winner: its members, state and the event its link
     * carries, with what it would reserve there. The winner takes it at once when the merged
     * profile keeps the rules (one loop crossing, as fast as a merge without asking) and answers
     * {@link Accept}, or answers {@link Reject}; the loser keeps all of it until the answer, and
     * buffers what arrives meanwhile.
     *
     * @param own what its members hold: unique values, counts by type, size
     * @param pending the reservations it made itself for losers whose absorb has not reached it
     * @param carried the event its link carries, credited by the winner if it takes the offer
     * @param at the time of the event behind the link: the time of the merge
     */
    record Offer<E, A>(
            ClusterId from,
            Set<String> members,
            A state,
            Reservation own,
            Set<ClusterId> absorbed,
            Map<ClusterId, Reservation> pending,
            boolean announced,
            Contribute<E, A> carried,
            long at,
            String plan)
            implements Message<E, A> {
        /** An offer of no plan: decided when it comes. */
        public Offer(
                ClusterId from,
                Set<String> members,
                A state,
                Reservation own,
                Set<ClusterId> absorbed,
                Map<ClusterId, Reservation> pending,
                boolean announced,
                Contribute<E, A> carried,
                long at) {
            this(from, members, state, own, absorbed, pending, announced, carried, at, null);
        }
    }

    /**
     * One identifier of an event in a {@link Plan}, highest priority first: its cluster, and
     * whether it was known before the event (single mode's home is the first known one).
     */
    record PlanStep(String identifier, ClusterId cluster, boolean known)
            implements java.io.Serializable {}

    /**
     * From an event's Gather to the oldest of the event's clusters, which every other one was asked
     * to offer itself to: the event's identifiers in priority order with their clusters. Once each
     * of those clusters has offered itself or sent a {@link Skip}, the oldest decides the offers
     * together, as single mode links the identifiers one by one (the first known one's profile
     * takes them in priority order, each checked against what gathered so far; those refused gather
     * among themselves, pass after pass), from what each offer holds. An offer in a group this
     * cluster is not in is refused with the group's oldest cluster to offer itself to instead.
     * {@code at} is the event's time.
     */
    record Plan<E, A>(String eventId, List<PlanStep> steps, long at) implements Message<E, A> {
        /**
         * The plan as the cluster a merged one went to decides it: that cluster holds what the
         * merged one held (it is older than every cluster the plan names).
         */
        public Plan<E, A> movedTo(ClusterId merged, ClusterId winner) {
            List<PlanStep> moved = new java.util.ArrayList<>();
            for (PlanStep step : steps) {
                moved.add(
                        step.cluster().equals(merged)
                                ? new PlanStep(step.identifier(), winner, step.known())
                                : step);
            }
            return new Plan<>(eventId, List.copyOf(moved), at);
        }
    }

    /**
     * From an event's Gather to the one cluster its known identifiers are in: the event, and its
     * identifiers new with it beside its anchor ({@link Reply#unsent}, in priority order), which no
     * Directory founded a cluster for. The cluster takes them in as members when they all keep its
     * rules, tells their Directories, and credits the event: no founding merge. Else it does what
     * the Gather would have done with clusters of their own: founds them, and plans the event's
     * merges ({@code steps} as a {@link Plan}'s, each new identifier with the cluster it founds).
     *
     * @param anchor the event's anchor when it is one of the new identifiers (a login's new user id
     *     beside a visitor's known ones, {@link Probe#mayJoin}), else null: the anchor is in the
     *     admitting cluster (loop version 8)
     * @param provisional some known identifiers of the event were still being placed by other
     *     events, beside identifiers of it in this cluster ({@link Reply#provisional}), when it was
     *     gathered: should the cluster refuse the new ones, it founds their clusters and routes the
     *     event again, whose next Gather sees where everything went, instead of planning from
     *     answers that were not final (loop version 8)
     */
    record Admit<E, A>(
            String eventId,
            List<PlanStep> steps,
            long at,
            Contribute<E, A> contribution,
            List<Init<E, A>> unsent,
            String anchor,
            boolean provisional)
            implements Message<E, A> {
        /** An admission of identifiers new beside an anchor the cluster holds. */
        public Admit(
                String eventId,
                List<PlanStep> steps,
                long at,
                Contribute<E, A> contribution,
                List<Init<E, A>> unsent) {
            this(eventId, steps, at, contribution, unsent, null, false);
        }

        /**
         * The cluster the event is credited to should the admission be refused: the one its anchor
         * founds when the anchor is among the new identifiers, else the admitting one.
         */
        public ClusterId anchorsCluster(ClusterId admitting) {
            return anchor == null ? admitting : clusterOf(anchor);
        }

        /** The cluster a step names for an identifier of the event (for a new one: would found). */
        public ClusterId clusterOf(String identifier) {
            for (PlanStep step : steps) {
                if (step.identifier().equals(identifier)) {
                    return step.cluster();
                }
            }
            throw new IllegalStateException(identifier + " is not a step of " + this);
        }

        /** The same as the cluster a merged one went to takes it (see {@link Plan#movedTo}). */
        public Admit<E, A> movedTo(ClusterId merged, ClusterId winner) {
            return new Admit<>(
                    eventId,
                    new Plan<E, A>(eventId, steps, at).movedTo(merged, winner).steps(),
                    at,
                    contribution,
                    unsent,
                    anchor,
                    provisional);
        }
    }

    /**
     * To a plan's cluster from one it named: it will not offer itself for this plan (it was on
     * offer elsewhere, merged away, or erased), so the plan is decided without it; its link is
     * handled on its own.
     */
    record Skip<E, A>(String plan, ClusterId from) implements Message<E, A> {}

    /**
     * An event that reached a loser while its offer was out, passed on to the winner at once (after
     * the offer, on the same channel): credited there if the winner took the offer, sent back to
     * the loser if it refused. So an event is never held back for the answer, as it was not when a
     * loser merged without asking.
     */
    record Relay<E, A>(ClusterId from, Contribute<E, A> contribution) implements Message<E, A> {}

    /**
     * A locked loser asks the winner whether the merge keeps the rules: what its members hold, and
     * the reservations it made itself for losers whose absorb has not reached it (each comes on its
     * own, so the winner keeps them apart). Written by 0.1 (an {@link Offer} since); still answered
     * for records left in the loop at an upgrade.
     */
    record Propose<E, A>(ClusterId from, Reservation own, Map<ClusterId, Reservation> pending)
            implements Message<E, A> {}

    /**
     * The winner took the offer whole ({@code taken}: the loser only hands its identifiers and what
     * it buffered over), or took a proposal, or an offer it cannot keep (erased), reserving its
     * values: the loser then hands everything over in an {@link Absorb}.
     */
    record Accept<E, A>(ClusterId winner, boolean taken) implements Message<E, A> {
        /** An answer to a proposal: the absorb follows. */
        public Accept(ClusterId winner) {
            this(winner, false);
        }
    }

    /**
     * The winner refused the proposal: the rule and why. A refusal by a {@link Plan} ({@code
     * planned}) names where the loser goes instead ({@code redirect}: the oldest cluster of the
     * group the plan put it in, or null when it stays apart); the plan blamed the refusals itself.
     */
    record Reject<E, A>(
            ClusterId winner, String rule, String detail, boolean planned, ClusterId redirect)
            implements Message<E, A> {
        /** A refusal of an offer decided on its own. */
        public Reject(ClusterId winner, String rule, String detail) {
            this(winner, rule, detail, false, null);
        }
    }

    /**
     * The committed loser hands over everything it holds, once: its members and state, and the
     * reservations it had made for losers of its own whose absorb is still on its way.
     *
     * @param reserved whether the winner reserved room for it: always, but for an absorb written by
     *     0.1's fast path
     * @param absorbed the clusters it had absorbed itself, transitively (their reservations end)
     * @param pending its reservations for losers whose absorb has not reached it
     * @param announced whether it ever showed as a profile: the cluster that takes it in publishes
     *     the merge, naming itself
     * @param at the time of the event whose link it committed to, or {@link #UNKNOWN_TIME}
     */
    record Absorb<E, A>(
            ClusterId from,
            Set<String> members,
            A state,
            Map<String, String> unique,
            boolean reserved,
            Set<ClusterId> absorbed,
            Map<ClusterId, Reservation> pending,
            boolean announced,
            long at)
            implements Message<E, A> {}

    /**
     * To a Directory: its identifier now belongs to {@code cluster} (if older than its own). Any
     * repoint ends the identifier's founding merge ({@link Reply#joining}).
     *
     * @param apart from the identifier's own cluster, refused in a merge: it stays where it is, and
     *     its founding merge is over (a release before this one reads it as a repoint to the
     *     cluster the identifier is in, which changes nothing)
     */
    record Repoint<E, A>(ClusterId cluster, boolean apart, ClusterId placement)
            implements Message<E, A> {
        /** The identifier belongs to {@code cluster} now. */
        public Repoint(ClusterId cluster) {
            this(cluster, false, null);
        }

        public Repoint(ClusterId cluster, boolean apart) {
            this(cluster, apart, null);
        }

        /**
         * The identifier an event placed is in {@code cluster}: from the cluster that took it in,
         * or the one founded for it ({@link Reply#unsent}); {@code placement} is the cluster the
         * Directory said it would found, which names the placement this answers. Only this repoint
         * places it; another reaching it before waits for it.
         */
        public static <E, A> Repoint<E, A> placing(ClusterId cluster, ClusterId placement) {
            return new Repoint<>(cluster, false, placement);
        }

        /** Whether it answers a placement ({@link #placing}). */
        public boolean places() {
            return placement != null;
        }
    }

    /**
     * A privacy delete naming this identifier: to its Directory, which passes it to the
     * identifier's cluster; the live profile at the end of the forwards is erased. Carries the
     * delete event, which the later stages see (activation clears the person's attributes).
     */
    record Erase<E, A>(String eventId, String identifier, long time, E payload)
            implements Message<E, A> {}

    /**
     * From an erased cluster to the older cluster an event before the delete linked it to: the link
     * arrived after the erasure, so the merge never happened. If the rules would have let it happen
     * ({@code own}: what the erased cluster held, its unique values hashed), the receiver holds the
     * same person and is erased too.
     */
    record EraseJoined<E, A>(ClusterId from, Reservation own, long time, E delete)
            implements Message<E, A> {}

    /**
     * To a Directory, from an erased cluster: its identifier belonged to {@code cluster} and is
     * forgotten, so it founds a new profile when it comes again. Repoints into the erased cluster's
     * merge tree that arrive later are stale and ignored.
     *
     * @param foundAfter the creation time of the youngest cluster the identifier founded that ended
     *     in the erased one: a cluster it founds again is created later, so it never takes the id
     *     of one whose chain leads to the erased profile
     */
    record Forget<E, A>(ClusterId cluster, long foundAfter) implements Message<E, A> {}
}
