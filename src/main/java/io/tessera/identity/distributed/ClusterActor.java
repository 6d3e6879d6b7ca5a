package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The Cluster, keyed by cluster id: a profile's members and state, the merge handshake, and the
 * tombstone that forwards whatever reaches a merged cluster (research note, section 3.2).
 *
 * <p>A merge goes from the younger cluster to the older. The loser locks itself and offers itself
 * whole; the winner takes the offer at once when the merged profile keeps the rules, else refuses
 * it. (The 0.1 handshake, propose then absorb with the loser's values reserved meanwhile, is still
 * answered for records left in the loop.) A lock only ever waits on an older cluster, so there is
 * no deadlock.
 */
public final class ClusterActor<E, A> {
    private final MergeRules rules;
    private final ProfileOps<E, A> ops;

    public ClusterActor(MergeRules rules, ProfileOps<E, A> ops) {
        this.rules = rules;
        this.ops = ops;
    }

    /** One step; returns the state after it. */
    public ClusterState<E, A> handle(
            ClusterId self, ClusterState<E, A> s, Message<E, A> message, Outbox<E, A> out) {
        if (s == null) {
            s = new ClusterState<>();
            s.members.add(self.founder());
            s.state = ops.empty(self);
            s.awaitingFounder = true;
        }
        if (s.erased) {
            onErased(self, s, message, out);
            return s;
        }
        if (s.tombstone) {
            forward(self, s.forward, message, out);
            return s;
        }
        boolean founding = false;
        if (s.awaitingFounder) {
            if (message instanceof Message.Erase<E, A>
                    || message instanceof Message.EraseJoined<E, A>) {
                settle(self, s, out); // what came before the delete acts before it
            } else if (message instanceof Message.Offer<E, A> offer) {
                // never held (the loser waits locked); the founding event's own link may come so
                founding = offer.at() <= self.createdAt();
            } else {
                long time = timeOf(message);
                if (time != NO_TIME && time > self.createdAt()) {
                    s.early.add(message); // a later event's: after the founding event's
                    return s;
                }
                founding = time != NO_TIME; // the founding event's (or an earlier one's)
            }
        }
        handleSettled(self, s, message, out);
        if (founding && !s.tombstone && !s.erased) {
            settle(self, s, out);
        }
        return s;
    }

    /** No time: a message that no event links or credits directly. */
    private static final long NO_TIME = Long.MAX_VALUE;

    /**
     * The time of the event behind a link or an event credited here, or {@link #NO_TIME} for the
     * other messages (a Link written before links carried their time counts as the founding one: it
     * is never held).
     */
    private long timeOf(Message<E, A> message) {
        if (message instanceof Message.Link<E, A> link) {
            return link.at() == Message.UNKNOWN_TIME ? Long.MIN_VALUE : link.at();
        }
        if (message instanceof Message.Contribute<E, A> contribute) {
            return ops.time(contribute.payload());
        }
        if (message instanceof Message.Relay<E, A> relay) {
            return ops.time(relay.contribution().payload());
        }
        if (message instanceof Message.Plan<E, A> plan) {
            return plan.at();
        }
        if (message instanceof Message.Admit<E, A> admit) {
            return ops.time(admit.contribution().payload());
        }
        return NO_TIME;
    }

    /**
     * The cluster heard from its founding event, or event time passed its creation (whatever
     * founded it had its say by then): what waited for that is handled now, in its order.
     */
    private void settle(ClusterId self, ClusterState<E, A> s, Outbox<E, A> out) {
        s.awaitingFounder = false;
        List<Message<E, A>> early = s.early;
        s.early = new ArrayList<>();
        for (Message<E, A> message : early) {
            handle(self, s, message, out);
        }
    }

    /**
     * Event time passed {@code time}: a new cluster that never heard from its founding event (the
     * event linked it no further, as when its identifiers are quarantined) waits for it no longer.
     */
    public ClusterState<E, A> settleBy(
            ClusterId self, ClusterState<E, A> s, long time, Outbox<E, A> out) {
        if (s != null && s.awaitingFounder && time >= self.createdAt()) {
            settle(self, s, out);
        }
        return s;
    }

    private void handleSettled(
            ClusterId self, ClusterState<E, A> s, Message<E, A> message, Outbox<E, A> out) {
        boolean offered = s.onOffer();
        if (message instanceof Message.Init<E, A> init) {
            if (init.tellsDirectory() && init.identifier().equals(self.founder())) {
                // founded by an event's Gather: the Directory held the identifier unplaced
                out.send(Address.directory(init.identifier()), Message.Repoint.placing(self, self));
            }
            if (init.orderKey() != null && init.identifier().equals(self.founder())) {
                // founded by that event: its key's earlier events went elsewhere (on offer too:
                // should the winner refuse, the event comes back here and must not wait)
                ops.founded(s.state, init.orderKey(), init.orderPosition());
                if (!offered) {
                    drain(s); // an event that came back from a refusal may wait for this
                }
            }
            if (s.members.contains(init.identifier())) {
                return; // its founder, or one that came with a loser
            }
            if (offered) {
                s.buffer.add(init); // the winner may hold the members already
            } else {
                s.members.add(init.identifier());
                ops.admit(s.state, init.identifier());
            }
        } else if (message instanceof Message.Contribute<E, A> contribute) {
            if (offered) {
                // the winner may hold the state already: it credits the event, or sends it back
                out.send(Address.cluster(s.lockedOn), new Message.Relay<>(self, contribute));
            } else {
                credit(s, contribute, out);
            }
        } else if (message instanceof Message.Admit<E, A> admit) {
            if (s.lockedOn != null) {
                // decided by what this cluster holds after the answer (here, or at the winner)
                s.buffer.add(admit);
            } else {
                admit(self, s, admit, out);
            }
        } else if (message instanceof Message.Link<E, A> link) {
            onLink(self, s, link, out);
        } else if (message instanceof Message.Offer<E, A> offer) {
            onOffer(self, s, offer, out);
        } else if (message instanceof Message.Relay<E, A> relay) {
            if (s.lockedOn != null) {
                s.buffer.add(relay); // after the offer it follows, if that waits here too
            } else if (s.absorbed.contains(relay.from())) {
                handle(self, s, relay.contribution(), out);
            } else if (awaitsPlan(s, relay.from())) {
                s.planned.add(relay); // its offer waits for the plan's decision
            } else {
                // its offer was refused here: the event stays with the loser
                out.send(Address.cluster(relay.from()), relay.contribution());
            }
        } else if (message instanceof Message.Plan<E, A> || message instanceof Message.Skip<E, A>) {
            if (s.lockedOn != null) {
                s.buffer.add(message); // decided by what this cluster holds after the answer
            } else {
                s.planned.add(message);
                decideWhenAnswered(
                        self,
                        s,
                        message instanceof Message.Plan<E, A> plan
                                ? plan.eventId()
                                : ((Message.Skip<E, A>) message).plan(),
                        out);
            }
        } else if (message instanceof Message.Propose<E, A> propose) {
            onPropose(self, s, propose, out);
        } else if (message instanceof Message.Accept<E, A> accept) {
            requireLocked(self, s, message);
            s.lockedOn = null;
            s.offered = false;
            if (accept.taken()) {
                // the winner holds the state, credited the carried event and repointed the
                // members: what was buffered meanwhile goes on to it
                becomeTombstone(self, s, accept.winner(), new ArrayList<>(s.buffer), out);
            } else {
                commit(self, s, accept.winner(), out);
            }
        } else if (message instanceof Message.Reject<E, A> reject) {
            requireLocked(self, s, message);
            s.lockedOn = null;
            s.offered = false;
            // A plan sends the loser to the oldest cluster of its group, if any, and blamed the
            // refusals itself.
            List<ClusterId> fallbacks =
                    !reject.planned()
                            ? s.fallbacks
                            : reject.redirect() == null ? List.of() : List.of(reject.redirect());
            Message.Contribute<E, A> carried = s.carried;
            String blamed = reject.planned() ? null : s.blamed;
            s.fallbacks = new ArrayList<>();
            s.carried = null;
            s.blamed = null;
            endFoundingMerge(self, out);
            if (blamed != null) {
                out.send(Address.directory(blamed), new Message.Blame<>(blamed));
            }
            if (!fallbacks.isEmpty()) {
                // refused by one: the next older cluster of the event may take it
                onLink(
                        self,
                        s,
                        new Message.Link<>(
                                fallbacks.get(0),
                                List.copyOf(fallbacks.subList(1, fallbacks.size())),
                                carried,
                                blamed,
                                s.linkedAt),
                        out);
            } else if (carried != null) {
                // refused by all: the event stays with its anchor's profile
                handle(self, s, carried, out);
            }
            replay(self, s, out);
        } else if (message instanceof Message.Absorb<E, A> absorb) {
            if (s.lockedOn != null) {
                // what it proposed must stay what it holds: a loser arriving now goes on with it
                s.buffer.add(absorb);
            } else {
                onAbsorb(self, s, absorb, out);
            }
        } else if (message instanceof Message.Erase<E, A> erase) {
            if (s.lockedOn != null) {
                // the person is where this cluster ends up: after the answer, here or the winner
                s.buffer.add(erase);
            } else {
                erase(self, s, erase, out);
            }
        } else if (message instanceof Message.EraseJoined<E, A> joined) {
            if (s.lockedOn != null) {
                s.buffer.add(joined);
            } else if (!wouldRefuse(s, joined.own())) {
                erase(
                        self,
                        s,
                        new Message.Erase<>(
                                "joined:" + joined.from(),
                                self.founder(),
                                joined.time(),
                                joined.delete()),
                        out);
            }
        } else {
            throw new IllegalArgumentException("a Cluster cannot take " + message);
        }
        if (!s.tombstone && !s.onOffer()) {
            drain(s); // a merge or a member may have brought what a held event waited for
        }
    }

    /**
     * An event whose new identifiers no Directory placed: taken in as members when they all keep
     * the rules (no cluster of their own, no merge), each Directory told, and the event credited.
     * Else they found their clusters and the event's merges are planned, as its Gather would have
     * done with them founded: the plan's passes decide which of them this profile takes.
     */
    private void admit(
            ClusterId self, ClusterState<E, A> s, Message.Admit<E, A> admit, Outbox<E, A> out) {
        List<Reservation> arriving = new ArrayList<>();
        for (Message.Init<E, A> init : admit.unsent()) {
            arriving.add(alone(init.identifier()));
        }
        if (refusal(s, unique(s), arriving) == null) {
            for (Message.Init<E, A> init : admit.unsent()) {
                if (s.members.add(init.identifier())) {
                    ops.admit(s.state, init.identifier());
                }
                out.send(
                        Address.directory(init.identifier()),
                        Message.Repoint.placing(self, admit.clusterOf(init.identifier())));
            }
            credit(s, admit.contribution(), out);
            return;
        }
        for (Message.Init<E, A> init : admit.unsent()) {
            out.send(Address.cluster(admit.clusterOf(init.identifier())), init.tellingDirectory());
        }
        if (admit.provisional()) {
            // gathered while some identifiers were still being placed: its next Gather sees where
            // they all went, and plans from that
            out.resend(
                    EventRouter.resent(admit.contribution().eventId()),
                    admit.contribution().payload());
            return;
        }
        GatherActor.plan(
                admit.eventId(),
                admit.steps(),
                admit.anchorsCluster(self),
                admit.at(),
                admit.contribution(),
                out);
    }

    /** What one identifier holds, as a loser's reservation. */
    private Reservation alone(String identifier) {
        String type = MergeRules.typeOf(identifier);
        return new Reservation(
                rules.uniqueTypes().contains(type)
                        ? Map.of(type, identifier.substring(type.length() + 1))
                        : Map.of(),
                Map.of(type, 1),
                1);
    }

    /**
     * Credits an event, or holds it while an earlier event of its order key is on its way (then it
     * is credited right after that one), so a person's events count in the order they were sent
     * whatever path each took to the cluster.
     */
    private void credit(
            ClusterState<E, A> s, Message.Contribute<E, A> contribute, Outbox<E, A> out) {
        if (ops.waits(s.state, contribute.payload())) {
            if (contribute.requires() != null) {
                // sent straight here ahead of an earlier event of its key: never held, so that
                // event time releasing it could not find it lacking an identifier and route it
                // on behind the later events it let through; its Gather decides, as for any event
                // (the key's earlier events may be in another profile, one the event links)
                out.resend(EventRouter.resent(contribute.eventId()), contribute.payload());
                return;
            }
            s.held.add(contribute);
            return;
        }
        if (contribute.requires() != null && !s.members.containsAll(contribute.requires())) {
            // sent straight here, but the cluster lacks an identifier of it (a refusal parted
            // them, a merge is under way, one expired): its Gather decides, as for any event
            out.resend(EventRouter.resent(contribute.eventId()), contribute.payload());
            return;
        }
        credited(s, contribute);
        drain(s);
    }

    /** Credits an event whose turn came. */
    private void credited(ClusterState<E, A> s, Message.Contribute<E, A> contribute) {
        ops.credit(s.state, contribute.eventId(), contribute.payload());
        s.announced = true;
    }

    /** Credits the held events whose turn has come, each in its turn. */
    private void drain(ClusterState<E, A> s) {
        boolean credited = true;
        while (credited && !s.held.isEmpty()) {
            credited = false;
            for (int i = 0; i < s.held.size(); i++) {
                Message.Contribute<E, A> next = s.held.get(i);
                if (!ops.waits(s.state, next.payload())) {
                    s.held.remove(i);
                    credited(s, next);
                    credited = true;
                    break;
                }
            }
        }
    }

    /**
     * Event time passed {@code time}: the held events up to it wait no longer (what they waited for
     * is late, or went to another profile), and are credited in the order of their times.
     */
    public ClusterState<E, A> release(ClusterId self, ClusterState<E, A> s, long time) {
        if (s == null || s.tombstone || s.held.isEmpty() || s.onOffer()) {
            return s;
        }
        List<Message.Contribute<E, A>> due = new ArrayList<>();
        for (Message.Contribute<E, A> held : s.held) {
            if (ops.time(held.payload()) <= time) {
                due.add(held);
            }
        }
        due.sort(java.util.Comparator.comparingLong(c -> ops.time(c.payload())));
        s.held.removeAll(due);
        for (Message.Contribute<E, A> event : due) {
            credited(s, event);
        }
        drain(s);
        return s;
    }

    private void onLink(
            ClusterId self, ClusterState<E, A> s, Message.Link<E, A> link, Outbox<E, A> out) {
        ClusterId winner = link.winner();
        if (winner.compareTo(self) >= 0) {
            throw new IllegalStateException(self + " asked to link to younger " + winner);
        }
        if (s.offered && winner.equals(s.lockedOn)) {
            // the merge on offer, asked again by a later event: the event follows the offer (or
            // comes back to stay here if it is refused)
            skip(self, link, out);
            if (link.carried() != null) {
                out.send(Address.cluster(winner), new Message.Relay<>(self, link.carried()));
            }
            return;
        }
        if (s.lockedOn != null) {
            // A plan never waits for a locked cluster (its holder may be what this one waits
            // for): it is decided without it, and the link is handled on its own after the answer.
            skip(self, link, out);
            s.buffer.add(link.unplanned());
            return;
        }
        s.carried = link.carried();
        s.linkedAt = link.at();
        // Only the winner knows what it holds, so only it can keep the limits: the loser offers
        // itself and waits for the answer (a loser that merged without asking could push the
        // winner over a limit).
        s.blamed = link.blamed();
        s.lockedOn = winner;
        s.offered = true;
        s.fallbacks = new ArrayList<>(link.fallbacks());
        out.send(
                Address.cluster(winner),
                new Message.Offer<>(
                        self,
                        new TreeSet<>(s.members),
                        s.state,
                        ownReservation(s),
                        new TreeSet<>(s.absorbed),
                        new TreeMap<>(s.reserved),
                        s.announced,
                        s.carried,
                        s.linkedAt,
                        link.plan()));
        // What waits here for its turn waits at the winner now (or comes back, if refused).
        for (Message.Contribute<E, A> held : s.held) {
            out.send(Address.cluster(winner), new Message.Relay<>(self, held));
        }
        s.held = new ArrayList<>();
    }

    /**
     * An offer: taken at once when the merged profile keeps the rules (the loser's state, members
     * and carried event join now; its own pending losers are reserved), else refused.
     */
    private void onOffer(
            ClusterId self, ClusterState<E, A> s, Message.Offer<E, A> offer, Outbox<E, A> out) {
        if (s.lockedOn != null) {
            s.buffer.add(offer);
            return;
        }
        if (offer.plan() != null) {
            s.planned.add(offer); // decided with the event's other offers
            decideWhenAnswered(self, s, offer.plan(), out);
            return;
        }
        if (refuseOffer(self, s, offer, out)) {
            return;
        }
        take(self, s, offer, out);
        if (offer.carried() != null) {
            credit(s, offer.carried(), out);
        }
        accept(self, offer, out);
    }

    /** Refuses the offer if taking it would break a rule; returns whether it did. */
    private boolean refuseOffer(
            ClusterId self, ClusterState<E, A> s, Message.Offer<E, A> offer, Outbox<E, A> out) {
        List<Reservation> arriving = new ArrayList<>(incoming(s, offer.pending()).values());
        arriving.add(offer.own());
        String[] refusal = refusal(s, unique(s), arriving);
        if (refusal == null) {
            return false;
        }
        out.send(Address.cluster(offer.from()), new Message.Reject<>(self, refusal[0], refusal[1]));
        out.rejected(offer.from(), self, refusal[0], refusal[1]);
        endFoundingMerge(self, out);
        return true;
    }

    /**
     * A merge of this cluster was refused: if its founding merge was under way (its founder's
     * Directory answers that it joins the founding event's anchor, {@link Message.Reply#joining}),
     * that merge may be the one refused, so the Directory stops saying it and later events link the
     * cluster again. Refusals are rare: the message goes whether or not a founding merge was on.
     */
    private static <E, A> void endFoundingMerge(ClusterId self, Outbox<E, A> out) {
        out.send(Address.directory(self.founder()), new Message.Repoint<>(self, /* apart= */ true));
    }

    /** Takes the offer in: the loser's state, members and pending losers join now. */
    private void take(
            ClusterId self, ClusterState<E, A> s, Message.Offer<E, A> offer, Outbox<E, A> out) {
        onAbsorb(
                self,
                s,
                new Message.Absorb<>(
                        offer.from(),
                        offer.members(),
                        offer.state(),
                        offer.own().unique(),
                        true,
                        offer.absorbed(),
                        offer.pending(),
                        offer.announced(),
                        offer.at()),
                out);
    }

    /**
     * Takes a planned offer if the merged profile still keeps the rules, else refuses it on its own
     * (the loser tries the event's other older clusters); the event it carries waits in {@code
     * credited} for the plan's other merges.
     */
    private void takeIfItFits(
            ClusterId self,
            ClusterState<E, A> s,
            Message.Offer<E, A> offer,
            List<Message.Contribute<E, A>> credited,
            Outbox<E, A> out) {
        if (refuseOffer(self, s, offer, out)) {
            return;
        }
        take(self, s, offer, out);
        accept(self, offer, out);
        if (offer.carried() != null) {
            credited.add(offer.carried());
        }
    }

    /**
     * Where a plan sends an offer it does not take: the cluster to offer itself to instead (null:
     * it stays apart), and why.
     */
    private record Elsewhere(ClusterId cluster, String why) {}

    /** Tells a taken loser and its members' Directories where they are now. */
    private void accept(ClusterId self, Message.Offer<E, A> offer, Outbox<E, A> out) {
        // The winner repoints the members, a crossing sooner than the loser could.
        for (String member : offer.members()) {
            out.send(Address.directory(member), new Message.Repoint<>(self));
        }
        out.send(Address.cluster(offer.from()), new Message.Accept<>(self, true));
    }

    /** A planned link this cluster will not offer itself for: its plan goes on without it. */
    private void skip(ClusterId self, Message.Link<E, A> link, Outbox<E, A> out) {
        if (link.plan() != null) {
            out.send(Address.cluster(link.winner()), new Message.Skip<>(link.plan(), self));
        }
    }

    /** Whether an offer of the cluster waits here for its plan's decision. */
    private static <E, A> boolean awaitsPlan(ClusterState<E, A> s, ClusterId from) {
        for (Message<E, A> message : s.planned) {
            if (message instanceof Message.Offer<E, A> offer && offer.from().equals(from)) {
                return true;
            }
        }
        return false;
    }

    /** Whether a message belongs to the plan of the event. */
    private static <E, A> boolean ofPlan(Message<E, A> message, String plan) {
        return (message instanceof Message.Plan<E, A> p && p.eventId().equals(plan))
                || (message instanceof Message.Offer<E, A> o && plan.equals(o.plan()))
                || (message instanceof Message.Skip<E, A> k && k.plan().equals(plan));
    }

    /**
     * Decides a plan once it is here and every cluster it names has offered itself or skipped it.
     */
    private void decideWhenAnswered(
            ClusterId self, ClusterState<E, A> s, String planId, Outbox<E, A> out) {
        Message.Plan<E, A> plan = null;
        Map<ClusterId, Message.Offer<E, A>> offers = new TreeMap<>();
        Set<ClusterId> answered = new TreeSet<>();
        for (Message<E, A> message : s.planned) {
            if (message instanceof Message.Plan<E, A> p && p.eventId().equals(planId)) {
                plan = p;
            } else if (message instanceof Message.Offer<E, A> o && planId.equals(o.plan())) {
                offers.put(o.from(), o);
                answered.add(o.from());
            } else if (message instanceof Message.Skip<E, A> k && k.plan().equals(planId)) {
                answered.add(k.from());
            }
        }
        if (plan == null) {
            return;
        }
        for (Message.PlanStep step : plan.steps()) {
            if (!step.cluster().equals(self) && !answered.contains(step.cluster())) {
                return;
            }
        }
        s.planned.removeIf(message -> ofPlan(message, planId));
        Set<ClusterId> offered = new TreeSet<>(offers.keySet());
        Map<ClusterId, Elsewhere> elsewhere =
                answered.size() == offers.size()
                        ? byPasses(self, s, plan, offers, out)
                        : oneByOne(self, plan);
        List<Message.Contribute<E, A>> credited = new ArrayList<>();
        for (Message.PlanStep step : plan.steps()) {
            Message.Offer<E, A> offer = offers.remove(step.cluster());
            if (offer == null) {
                continue; // this cluster, a skip, or an offer decided at an earlier step
            }
            Elsewhere to = elsewhere.get(offer.from());
            if (to == null) {
                takeIfItFits(self, s, offer, credited, out);
            } else {
                out.send(
                        Address.cluster(offer.from()),
                        new Message.Reject<>(self, "plan", to.why(), true, to.cluster()));
            }
        }
        for (Message.Contribute<E, A> contribution : credited) {
            credit(s, contribution, out); // after the merges
        }
        List<Message<E, A>> relays = new ArrayList<>();
        for (Message<E, A> message : s.planned) {
            if (message instanceof Message.Relay<E, A> relay
                    && offered.contains(relay.from())
                    && !awaitsPlan(s, relay.from())) {
                relays.add(message);
            }
        }
        s.planned.removeAll(relays);
        for (Message<E, A> relay : relays) {
            handle(self, s, relay, out); // credited here if its loser was taken, else sent back
        }
    }

    /**
     * Where the offers of a plan a cluster skipped go (it was on offer elsewhere, or merged away:
     * events raced; the passes would miss its holdings): each is decided on its own, as links were
     * before plans. A cluster the event founded goes to the anchor's cluster when the anchor was
     * known before, as single mode adds a new identifier to the anchor's profile; the others are
     * taken if they fit, else refused to try the event's other older clusters.
     */
    private Map<ClusterId, Elsewhere> oneByOne(ClusterId self, Message.Plan<E, A> plan) {
        Map<ClusterId, Elsewhere> elsewhere = new TreeMap<>();
        Message.PlanStep anchor = plan.steps().get(0);
        if (!anchor.known() || anchor.cluster().equals(self)) {
            return elsewhere;
        }
        for (Message.PlanStep step : plan.steps()) {
            if (!step.known() && anchor.cluster().compareTo(step.cluster()) < 0) {
                elsewhere.put(
                        step.cluster(),
                        new Elsewhere(
                                anchor.cluster(), "a new identifier joins the anchor's profile"));
            }
        }
        return elsewhere;
    }

    /**
     * Where a plan's offers go as single mode would link the event's identifiers ({@link
     * PlanPasses}): those in this cluster's group are taken (each still checked, as events that
     * raced may have changed what this cluster holds), the others go to their group's oldest
     * cluster; each refusal of the passes is blamed as single mode blames it.
     */
    private Map<ClusterId, Elsewhere> byPasses(
            ClusterId self,
            ClusterState<E, A> s,
            Message.Plan<E, A> plan,
            Map<ClusterId, Message.Offer<E, A>> offers,
            Outbox<E, A> out) {
        Map<ClusterId, Reservation> holdings = new TreeMap<>();
        holdings.put(self, new Reservation(unique(s), counts(s), size(s)));
        offers.forEach(
                (from, offer) -> {
                    Reservation held = offer.own();
                    for (Reservation r : incoming(s, offer.pending()).values()) {
                        held = PlanPasses.union(held, r);
                    }
                    holdings.put(from, held);
                });
        List<Message.PlanStep> steps = new ArrayList<>();
        for (Message.PlanStep step : plan.steps()) {
            if (holdings.containsKey(step.cluster())) {
                steps.add(step);
            }
        }
        PlanPasses.Outcome outcome = PlanPasses.run(steps, holdings, rules);
        if (!outcome.refusals().isEmpty()) {
            endFoundingMerge(self, out);
        }
        for (PlanPasses.Refused refused : outcome.refusals()) {
            String blamed = PlanPasses.blamed(refused, steps, rules);
            out.send(Address.directory(blamed), new Message.Blame<>(blamed));
            out.rejected(
                    refused.refused().cluster(),
                    refused.home().cluster(),
                    refused.rule(),
                    refused.detail());
        }
        Set<ClusterId> mine = outcome.groupOf(self);
        Map<ClusterId, Elsewhere> elsewhere = new TreeMap<>();
        for (ClusterId from : offers.keySet()) {
            if (!mine.contains(from)) {
                ClusterId oldest = java.util.Collections.min(outcome.groupOf(from));
                elsewhere.put(
                        from,
                        new Elsewhere(
                                oldest.equals(from) ? null : oldest,
                                "single mode's passes put it in another profile"));
            }
        }
        return elsewhere;
    }

    /**
     * The loser is merged: it keeps nothing but where it went, and passes on what it still held for
     * the winner.
     */
    private void becomeTombstone(
            ClusterId self,
            ClusterState<E, A> s,
            ClusterId winner,
            List<Message<E, A>> passed,
            Outbox<E, A> out) {
        s.carried = null;
        if (!s.held.isEmpty() || !s.planned.isEmpty()) {
            passed = new ArrayList<>(passed);
            passed.addAll(s.held);
            passed.addAll(s.planned); // the winner decides a plan left undecided
            s.held = new ArrayList<>();
            s.planned = new ArrayList<>();
        }
        s.tombstone = true;
        s.forward = winner;
        s.members = new TreeSet<>();
        s.state = null;
        s.reserved = new TreeMap<>();
        s.buffer = new ArrayList<>();
        passOn(self, winner, passed, out);
    }

    /**
     * What a loser buffered while it waited, passed on to its winner: an identifier that joined it
     * meanwhile joins the winner; the rest is forwarded as to any tombstone.
     */
    private void passOn(
            ClusterId self, ClusterId winner, List<Message<E, A>> buffered, Outbox<E, A> out) {
        for (Message<E, A> message : buffered) {
            if (message instanceof Message.Init<E, A> init) {
                out.send(Address.cluster(winner), init);
                out.send(Address.directory(init.identifier()), new Message.Repoint<>(winner));
            } else {
                forward(self, winner, message, out);
            }
        }
    }

    private void onPropose(
            ClusterId self, ClusterState<E, A> s, Message.Propose<E, A> p, Outbox<E, A> out) {
        if (s.lockedOn != null) {
            s.buffer.add(p);
            return;
        }
        String[] refusal = refusal(s, p);
        if (refusal != null) {
            out.send(Address.cluster(p.from()), new Message.Reject<>(self, refusal[0], refusal[1]));
            out.rejected(p.from(), self, refusal[0], refusal[1]);
            endFoundingMerge(self, out);
            return;
        }
        s.reserved.put(p.from(), p.own());
        incoming(s, p.pending()).forEach(s.reserved::put);
        out.send(Address.cluster(p.from()), new Message.Accept<>(self));
    }

    /** The proposer's own pending losers not yet absorbed here, each reserved on its own. */
    private Map<ClusterId, Reservation> incoming(
            ClusterState<E, A> s, Map<ClusterId, Reservation> proposed) {
        Map<ClusterId, Reservation> pending = new TreeMap<>();
        proposed.forEach(
                (loser, reservation) -> {
                    if (!s.absorbed.contains(loser)) {
                        pending.put(loser, reservation);
                    }
                });
        return pending;
    }

    /** Why the merged profile would break a rule ({rule, detail}), or null. */
    private String[] refusal(ClusterState<E, A> s, Message.Propose<E, A> p) {
        List<Reservation> arriving = new ArrayList<>(incoming(s, p.pending()).values());
        arriving.add(p.own());
        return refusal(s, unique(s), arriving);
    }

    /**
     * Why taking the arriving losers would break a rule ({rule, detail}), or null.
     *
     * @param unique the cluster's unique values, as the arriving ones are written (plain, or
     *     hashed)
     */
    private String[] refusal(
            ClusterState<E, A> s, Map<String, String> unique, List<Reservation> arriving) {
        Map<String, Integer> counts = counts(s);
        int size = size(s);
        for (Reservation r : arriving) {
            for (Map.Entry<String, String> value : r.unique().entrySet()) {
                String held = unique.putIfAbsent(value.getKey(), value.getValue());
                if (held != null && !held.equals(value.getValue())) {
                    return new String[] {
                        "unique", value.getKey() + " is unique and the profile already has one"
                    };
                }
            }
            r.counts().forEach((type, n) -> counts.merge(type, n, Integer::sum));
            size += r.size();
        }
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            if (count.getValue() > rules.limit(count.getKey())) {
                return new String[] {
                    "limit",
                    "the merged profile would have " + count.getValue() + " " + count.getKey()
                };
            }
        }
        if (size > rules.sizeCap()) {
            return new String[] {
                "size_cap", "the merged profile would have " + size + " identifiers"
            };
        }
        return null;
    }

    /** What its members hold: unique-type values, counts by type, size. */
    private Reservation ownReservation(ClusterState<E, A> s) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String member : s.members) {
            counts.merge(MergeRules.typeOf(member), 1, Integer::sum);
        }
        return new Reservation(uniqueOfMembers(s), counts, s.members.size());
    }

    /**
     * The winner accepted without taking the state (a proposal, or an offer to an erased cluster):
     * the loser hands everything over in an absorb and becomes a tombstone.
     */
    private void commit(ClusterId self, ClusterState<E, A> s, ClusterId winner, Outbox<E, A> out) {
        out.send(
                Address.cluster(winner),
                new Message.Absorb<>(
                        self,
                        new TreeSet<>(s.members),
                        s.state,
                        uniqueOfMembers(s),
                        true,
                        new TreeSet<>(s.absorbed),
                        new TreeMap<>(s.reserved),
                        s.announced,
                        s.linkedAt));
        for (String member : s.members) {
            out.send(Address.directory(member), new Message.Repoint<>(winner));
        }
        List<Message<E, A>> passed = new ArrayList<>();
        if (s.carried != null) {
            passed.add(s.carried); // the event that linked it goes with it
        }
        passed.addAll(s.buffer);
        becomeTombstone(self, s, winner, passed, out);
    }

    private void onAbsorb(
            ClusterId self, ClusterState<E, A> s, Message.Absorb<E, A> absorb, Outbox<E, A> out) {
        if (!s.absorbed.add(absorb.from())) {
            throw new IllegalStateException(self + " absorbed " + absorb.from() + " twice");
        }
        for (ClusterId earlier : absorb.absorbed()) {
            if (!s.absorbed.add(earlier)) {
                throw new IllegalStateException(self + " absorbed " + earlier + " twice");
            }
            s.reserved.remove(earlier);
        }
        s.reserved.remove(absorb.from());
        // The loser's own pending losers: those absorbed on the way already are settled.
        absorb.pending()
                .forEach(
                        (loser, reservation) -> {
                            if (!s.absorbed.contains(loser)) {
                                s.reserved.put(loser, reservation);
                            }
                        });
        s.members.addAll(absorb.members());
        ops.absorb(s.state, absorb.state(), absorb.at());
        s.announced = true;
        if (absorb.announced()) {
            // published where the loser landed, so the alias log never names a passing cluster
            out.merged(absorb.from(), self, absorb.at());
        }
        // An absorb without a reservation was committed by the fast path of 0.1 (still in the loop
        // at an upgrade): it is taken, and a winner it pushed over a rule is flagged.
        if (!absorb.reserved() && breaksLimits(s)) {
            s.unhealthy = true;
        }
    }

    /**
     * A privacy delete: the profile is published as erased, every member's Directory forgets this
     * cluster, and the cluster keeps nothing but the mark that it was erased.
     */
    private void erase(
            ClusterId self, ClusterState<E, A> s, Message.Erase<E, A> erase, Outbox<E, A> out) {
        E delete = erase.payload();
        s.erasedHeld = hashed(ownReservation(s));
        forget(self, s.members, s.absorbed, self, out);
        out.erased(self, s.state, delete);
        s.erased = true;
        s.erasedBy = delete;
        s.erasedAt = erase.time();
        s.tombstone = true;
        s.forward = null;
        s.members = new TreeSet<>();
        s.state = null;
        s.absorbed = new TreeSet<>();
        s.reserved = new TreeMap<>();
        s.announced = false;
        s.unhealthy = false;
        List<Message.Contribute<E, A>> held = s.held;
        s.held = new ArrayList<>();
        for (Message.Contribute<E, A> event : held) {
            dropOrResend(s, event.eventId(), event.payload(), out);
        }
        List<Message<E, A>> planned = s.planned;
        s.planned = new ArrayList<>();
        for (Message<E, A> message : planned) {
            onErased(self, s, message, out); // the offers waiting for a plan are answered
        }
    }

    /**
     * Tells each member's Directory to forget the erased cluster, with the youngest cluster the
     * member founded among those that ended here (so a new one it founds gets a new id).
     */
    private static <E, A> void forget(
            ClusterId erased,
            Set<String> members,
            Set<ClusterId> merged,
            ClusterId self,
            Outbox<E, A> out) {
        Map<String, Long> founded = new TreeMap<>();
        founded.put(self.founder(), self.createdAt());
        for (ClusterId cluster : merged) {
            founded.merge(cluster.founder(), cluster.createdAt(), Math::max);
        }
        for (String member : members) {
            out.send(
                    Address.directory(member),
                    new Message.Forget<>(erased, founded.getOrDefault(member, erased.createdAt())));
        }
    }

    /**
     * What reaches an erased cluster was sent before the erasure reached its sender: an event
     * credited to it, or a link seen before the delete, belongs to the erased person and is dropped
     * with it; a loser that merges in is erased too (its own identifiers forgotten, its profile
     * published as erased if it was one).
     */
    private void onErased(
            ClusterId self, ClusterState<E, A> s, Message<E, A> message, Outbox<E, A> out) {
        if (message instanceof Message.Propose<E, A> p) {
            // no rule to keep: nothing is reserved, the loser is erased when it arrives
            out.send(Address.cluster(p.from()), new Message.Accept<>(self));
        } else if (message instanceof Message.Offer<E, A> o) {
            // not taken: the loser hands itself over in an absorb, and is erased when it arrives
            // (after its members' repoints, so their Directories forget this cluster last)
            out.send(Address.cluster(o.from()), new Message.Accept<>(self));
        } else if (message instanceof Message.Absorb<E, A> absorb) {
            Set<ClusterId> founded = new TreeSet<>(absorb.absorbed());
            founded.add(absorb.from());
            forget(self, absorb.members(), founded, self, out);
            if (absorb.announced()) {
                out.erased(absorb.from(), absorb.state(), s.erasedBy);
            }
        } else if (message instanceof Message.Accept<E, A>
                || message instanceof Message.Reject<E, A>) {
            throw new IllegalStateException(self + " was erased unlocked; it asked nothing");
        } else if (message instanceof Message.Contribute<E, A> contribute) {
            dropOrResend(s, contribute.eventId(), contribute.payload(), out);
        } else if (message instanceof Message.Relay<E, A> relay) {
            // its loser was accepted here to be erased (an offer to an erased cluster is)
            Message.Contribute<E, A> contribute = relay.contribution();
            dropOrResend(s, contribute.eventId(), contribute.payload(), out);
        } else if (message instanceof Message.Admit<E, A> admit) {
            // the event's new identifiers would have joined the erased person: they are forgotten
            for (Message.Init<E, A> init : admit.unsent()) {
                out.send(
                        Address.directory(init.identifier()),
                        new Message.Forget<>(self, admit.clusterOf(init.identifier()).createdAt()));
            }
            Message.Contribute<E, A> contribute = admit.contribution();
            dropOrResend(s, contribute.eventId(), contribute.payload(), out);
        } else if (message instanceof Message.Link<E, A> link && link.carried() != null) {
            skip(self, link, out);
            E event = link.carried().payload();
            if (ops.time(event) <= s.erasedAt && s.erasedHeld != null) {
                // the login before the delete linked the person to the winner: follow it there
                out.send(
                        Address.cluster(link.winner()),
                        new Message.EraseJoined<>(self, s.erasedHeld, s.erasedAt, s.erasedBy));
            }
            dropOrResend(s, link.carried().eventId(), event, out);
        } else if (message instanceof Message.Link<E, A> link) {
            skip(self, link, out);
        }
        // Init (its founder was a member when it was erased, and forgot it then, also one an event
        // placed here: its link overtook it), an Erase, a Skip: nothing to do
    }

    /** An event before the delete goes with the erased person; one after it starts anew. */
    private void dropOrResend(ClusterState<E, A> s, String eventId, E event, Outbox<E, A> out) {
        if (ops.time(event) > s.erasedAt) {
            out.resend(EventRouter.resent(eventId), event);
        } else {
            out.dropped(event);
        }
    }

    /** Whether the rules would refuse a loser that held {@code own} (unique values hashed). */
    private boolean wouldRefuse(ClusterState<E, A> s, Reservation own) {
        Map<String, String> unique = hashed(new Reservation(unique(s), Map.of(), 0)).unique();
        return refusal(s, new TreeMap<>(unique), List.of(own)) != null;
    }

    /** The reservation with its unique values as SHA-256 digests: no identifier value is kept. */
    private static Reservation hashed(Reservation r) {
        Map<String, String> unique = new TreeMap<>();
        r.unique().forEach((type, value) -> unique.put(type, sha256(value)));
        return new Reservation(unique, new TreeMap<>(r.counts()), r.size());
    }

    private static String sha256(String value) {
        try {
            byte[] digest =
                    java.security.MessageDigest.getInstance("SHA-256")
                            .digest(value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** What reaches a tombstone goes on to the cluster it merged into. */
    private void forward(ClusterId self, ClusterId to, Message<E, A> message, Outbox<E, A> out) {
        if (message instanceof Message.Plan<E, A> plan) {
            // the cluster it merged into holds what this one held: it decides the plan
            out.send(Address.cluster(to), plan.movedTo(self, to));
        } else if (message instanceof Message.Admit<E, A> admit) {
            out.send(Address.cluster(to), admit.movedTo(self, to));
        } else if (message instanceof Message.Init<E, A> init) {
            // its identifier belongs to the winner now (the absorb carried it as a member); one an
            // event placed here learns so only now (its link overtook this)
            out.send(
                    Address.directory(init.identifier()),
                    init.tellsDirectory()
                            ? Message.Repoint.placing(to, self)
                            : new Message.Repoint<>(to));
        } else if (message instanceof Message.Link<E, A> link) {
            skip(self, link, out);
            if (link.carried() != null) {
                // the event's anchor was here, so it is where this cluster went
                out.send(Address.cluster(to), link.carried());
            }
            if (!link.winner().equals(to)) {
                // re-union: the two older clusters must become one
                ClusterId younger = ClusterId.max(to, link.winner());
                out.send(
                        Address.cluster(younger),
                        new Message.Link<>(
                                ClusterId.min(to, link.winner()),
                                link.fallbacks().stream()
                                        .filter(c -> c.compareTo(younger) < 0)
                                        .toList(),
                                null,
                                null,
                                link.at()));
            }
        } else if (message instanceof Message.Absorb<E, A> absorb) {
            out.send(Address.cluster(to), absorb);
            for (String member : absorb.members()) {
                out.send(Address.directory(member), new Message.Repoint<>(to));
            }
        } else if (message instanceof Message.Accept<E, A>
                || message instanceof Message.Reject<E, A>) {
            throw new IllegalStateException("a tombstone got an answer it never asked for");
        } else {
            out.send(Address.cluster(to), message); // Contribute, Propose
        }
    }

    private void replay(ClusterId self, ClusterState<E, A> s, Outbox<E, A> out) {
        List<Message<E, A>> buffered = List.copyOf(s.buffer);
        s.buffer.clear();
        for (Message<E, A> message : buffered) {
            handle(self, s, message, out);
        }
    }

    private static <E, A> void requireLocked(
            ClusterId self, ClusterState<E, A> s, Message<E, A> message) {
        if (s.lockedOn == null) {
            throw new IllegalStateException(self + " got " + message + " without asking");
        }
    }

    private boolean breaksLimits(ClusterState<E, A> s) {
        if (size(s) > rules.sizeCap()) {
            return true;
        }
        for (Map.Entry<String, Integer> count : counts(s).entrySet()) {
            if (count.getValue() > rules.limit(count.getKey())) {
                return true;
            }
        }
        return false;
    }

    /** Unique-type values of the members and of reserved losers. */
    private Map<String, String> unique(ClusterState<E, A> s) {
        Map<String, String> unique = uniqueOfMembers(s);
        s.reserved.values().forEach(r -> unique.putAll(r.unique()));
        return unique;
    }

    private Map<String, String> uniqueOfMembers(ClusterState<E, A> s) {
        Map<String, String> unique = new TreeMap<>();
        for (String member : s.members) {
            String type = MergeRules.typeOf(member);
            if (rules.uniqueTypes().contains(type)) {
                unique.put(type, member.substring(type.length() + 1));
            }
        }
        return unique;
    }

    /** Identifier counts by type, members and reserved losers together. */
    private Map<String, Integer> counts(ClusterState<E, A> s) {
        Map<String, Integer> counts = new TreeMap<>();
        for (String member : s.members) {
            counts.merge(MergeRules.typeOf(member), 1, Integer::sum);
        }
        for (Reservation r : s.reserved.values()) {
            r.counts().forEach((type, n) -> counts.merge(type, n, Integer::sum));
        }
        return counts;
    }

    private int size(ClusterState<E, A> s) {
        int size = s.members.size();
        for (Reservation r : s.reserved.values()) {
            size += r.size();
        }
        return size;
    }
}
