package io.tessera.identity.distributed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The three actors of the merge protocol with their states in maps, and a scheduler that delivers
 * messages in a random order: either any message in flight (a stronger adversary than Flink), or
 * the head of a random channel (FIFO per sender and receiver, as Flink's network and Kafka
 * partitions keep it). Input events arrive while merges are in flight; a snapshot of every state
 * and every message in flight is a consistent cut, as a checkpoint with an exactly-once loop.
 */
final class ProtocolSimulation {
    /**
     * What an event contributes: its id, an amount, its event time, and its place among the events
     * of its order key (none: null and 0).
     */
    record Payload(String eventId, long amount, long time, String key, long position)
            implements Serializable {
        Payload(String eventId, long amount, long time) {
            this(eventId, amount, time, null, 0);
        }

        Payload(String eventId, long amount) {
            this(eventId, amount, 0);
        }
    }

    /**
     * A profile's state for the checks: the amounts of the events credited, by event id, and the
     * place of the last event credited of each order key.
     */
    static final class Totals implements Serializable {
        public Map<String, Long> events = new TreeMap<>();
        public Map<String, Long> positions = new TreeMap<>();
        public Map<String, Long> floors = new TreeMap<>();

        /** The place of the last event credited of each key (for the check of their order). */
        public Map<String, Long> credited = new TreeMap<>();
    }

    /** An input event; a delete erases the profiles of its identifiers instead. */
    record Input(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            long amount,
            boolean delete,
            String key,
            long position)
            implements Serializable {
        Input(
                String eventId,
                List<String> identifiers,
                String anchor,
                long time,
                long amount,
                boolean delete) {
            this(eventId, identifiers, anchor, time, amount, delete, null, 0);
        }

        Input(String eventId, List<String> identifiers, String anchor, long time, long amount) {
            this(eventId, identifiers, anchor, time, amount, false);
        }
    }

    /** A loop record carries a stamp unless the loop is transactional. */
    private record Envelope(
            Address from, Address to, Message<Payload, Totals> message, LoopLineage.Stamp stamp)
            implements Serializable {}

    /** How the loop topic is written and read. */
    enum Loop {
        /** Exactly-once, read committed: a restore finds the loop as the checkpoint left it. */
        TRANSACTIONAL,
        /**
         * At-least-once, every record stamped: what the failed attempt wrote after the checkpoint
         * stays in the topic and is read again, and the reader ignores it by its stamp.
         */
        STAMPED,
        /** At-least-once without stamps: the failed attempt's records are read as any other. */
        AT_LEAST_ONCE
    }

    static final ProfileOps<Payload, Totals> OPS =
            new ProfileOps<>() {
                @Override
                public Totals empty(ClusterId id) {
                    return new Totals();
                }

                @Override
                public long time(Payload event) {
                    return event.time();
                }

                @Override
                public void credit(Totals state, String eventId, Payload payload) {
                    // by the event's own id: a resent event is routed under another
                    if (state.events.put(payload.eventId(), payload.amount()) != null) {
                        throw new AssertionError("event " + payload.eventId() + " counted twice");
                    }
                    if (payload.key() != null) {
                        long last = state.credited.getOrDefault(payload.key(), 0L);
                        if (payload.position() <= last) {
                            throw new AssertionError(
                                    "event "
                                            + payload.eventId()
                                            + " of "
                                            + payload.key()
                                            + " credited after a later one of its key");
                        }
                        state.credited.put(payload.key(), payload.position());
                        state.positions.merge(payload.key(), payload.position(), Math::max);
                    }
                }

                @Override
                public void absorb(Totals winner, Totals loser, long at) {
                    for (Map.Entry<String, Long> e : loser.events.entrySet()) {
                        if (winner.events.put(e.getKey(), e.getValue()) != null) {
                            throw new AssertionError("event " + e.getKey() + " counted twice");
                        }
                    }
                    loser.positions.forEach((key, n) -> winner.positions.merge(key, n, Math::max));
                    loser.credited.forEach((key, n) -> winner.credited.merge(key, n, Math::max));
                }

                @Override
                public boolean waits(Totals state, Payload event) {
                    if (event.key() == null) {
                        return false;
                    }
                    long turn =
                            Math.max(
                                    state.positions.getOrDefault(event.key(), 0L),
                                    state.floors.getOrDefault(event.key(), 0L));
                    return event.position() > turn + 1;
                }

                @Override
                public void founded(Totals state, String key, long position) {
                    state.floors.merge(key, position - 1, Math::max);
                }
            };

    /** Everything that a checkpoint keeps. */
    private static final class World implements Serializable {
        final Map<String, ClusterId> directory = new TreeMap<>();
        final Map<String, long[]> marks = new TreeMap<>();
        final Map<String, Integer> blame = new TreeMap<>();
        final Map<String, String> joining = new TreeMap<>();
        // identifiers an event is placing, and what reached each meanwhile
        final Map<String, ClusterId> unplaced = new TreeMap<>();
        final Map<String, ArrayList<Message<?, ?>>> held = new TreeMap<>();
        final List<ClusterId> erased = new ArrayList<>();
        final Set<String> erasedEvents = new HashSet<>();
        final Map<String, Input> inputs = new HashMap<>();
        final Map<String, GatherState<Payload>> gathers = new HashMap<>();
        final Map<ClusterId, ClusterState<Payload, Totals>> clusters = new TreeMap<>();
        final Map<String, ClusterId> clusterKeys = new HashMap<>();
        final LinkedHashMap<List<Address>, Deque<Envelope>> channels = new LinkedHashMap<>();
        final Set<String> seenEvents = new HashSet<>();
        // what each key's events named (deduplication's state: a checkpoint keeps it)
        final Map<String, HashSet<String>> named = new HashMap<>();
        final List<String[]> merges = new ArrayList<>();
        final List<String[]> rejections = new ArrayList<>();
        int nextInput;
        int inFlight;
        // the loop writer's last checkpoint, and the loop reader's lineage
        long checkpoint;
        LoopLineage lineage = LoopLineage.start("attempt-0");
    }

    private final MergeRules rules;
    private final ClusterActor<Payload, Totals> clusterActor;
    private final Random random;
    // which of the events whose identifiers their key named before go straight to their anchor's
    // cluster (deduplication marks them all; here three in four, so both paths mix)
    private final Random marks;
    // every event deduplication would mark is marked (a scenario's exact path), not three in four
    private boolean everyMark;
    private final boolean fifo;
    private final Loop loop;
    private World world = new World();
    private boolean stepByStep;
    // an identifier or event whose messages are printed (-Dtrace=..., -DtraceSeed=...)
    private final String traced;
    private int attempt;
    // what the loop topic received since the last checkpoint, by channel, in order
    private final List<Map.Entry<List<Address>, Envelope>> writtenSinceCheckpoint =
            new ArrayList<>();
    long delivered;
    // admissions of a new anchor beside known identifiers, and of new identifiers beside known ones
    // still being placed (provisional)
    long anchorsAdmitted;
    long provisionalAdmits;
    // the loop's records by message kind, as the Clusters wrote them
    final Map<String, Integer> loopRecords = new TreeMap<>();
    // events sent straight to their anchor's cluster, and events routed again through a Gather
    long sentStraight;
    long routedAgain;
    long ghostsRead;
    long ghostsIgnored;

    ProtocolSimulation(MergeRules rules, long seed, boolean fifo) {
        this(rules, seed, fifo, Loop.TRANSACTIONAL);
    }

    ProtocolSimulation(MergeRules rules, long seed, boolean fifo, Loop loop) {
        this.rules = rules;
        this.clusterActor = new ClusterActor<>(rules, OPS);
        this.random = new Random(seed);
        this.marks = new Random(~seed);
        this.traced = seed == Long.getLong("traceSeed", -1) ? System.getProperty("trace") : null;
        this.fifo = fifo;
        this.loop = loop;
    }

    /**
     * Marks every event deduplication marks (whose key named its identifiers before, all or some):
     * a scenario then takes the job's paths exactly.
     */
    ProtocolSimulation markingEveryEvent() {
        everyMark = true;
        return this;
    }

    /** Runs each input to quiescence before the next comes (an acceptance scenario's steps). */
    void runStepByStep(List<Input> inputs) {
        stepByStep = true;
        run(inputs, -1);
    }

    /**
     * Runs the inputs to quiescence; with {@code failAt >= 0} it takes a snapshot after that many
     * steps, goes on a while, then fails and restores the snapshot (the source replays the input
     * after it).
     */
    void run(List<Input> inputs, int failAt) {
        World snapshot = null;
        int steps = 0;
        int failAfter = failAt < 0 ? -1 : failAt + 1 + random.nextInt(200);
        while (world.nextInput < inputs.size() || world.inFlight > 0 || anyEarly()) {
            if (world.inFlight == 0 && anyEarly()) {
                settleAwaiting();
                continue;
            }
            if (steps == failAt) {
                world.checkpoint++;
                snapshot = copy(world);
                writtenSinceCheckpoint.clear();
            }
            if (snapshot != null && steps == failAfter) {
                world = copy(snapshot); // fail: back to the consistent cut
                snapshot = null;
                restoreLoop();
            }
            steps++;
            boolean inject =
                    world.nextInput < inputs.size()
                            && (world.inFlight == 0 || (!stepByStep && random.nextInt(4) == 0));
            if (inject) {
                inject(inputs.get(world.nextInput++));
            } else {
                deliverOne();
            }
            if (steps > 50_000_000) {
                throw new AssertionError("no quiescence");
            }
        }
    }

    /**
     * After a restore: a transactional loop is as the checkpoint left it; otherwise the records the
     * failed attempt wrote after it are still there, behind those in flight at the checkpoint, and
     * the new attempt reads with a lineage that names the checkpoint it restored.
     */
    private void restoreLoop() {
        attempt++;
        world.lineage = world.lineage.restored(world.checkpoint, "attempt-" + attempt);
        if (loop != Loop.TRANSACTIONAL) {
            for (Map.Entry<List<Address>, Envelope> written : writtenSinceCheckpoint) {
                world.channels
                        .computeIfAbsent(written.getKey(), k -> new ArrayDeque<>())
                        .add(written.getValue());
                world.inFlight++;
            }
        }
        writtenSinceCheckpoint.clear();
    }

    private void inject(Input input) {
        if (!world.seenEvents.add(input.eventId())) {
            return; // a duplicate at the source: the ingest stage drops it
        }
        Address source = new Address(Actor.GATHER, "source");
        world.inputs.put(input.eventId(), input);
        // (by the Kafka key, the order key's part before the device; the inputs without a key come
        // from one source in their order, as one key's would: what
        // any of them named marks the next; a delete there forgets nothing, so an event may go
        // straight to an identifier a delete made its Directory forget)
        boolean named = false;
        boolean partlyNamed = false;
        HashSet<String> before =
                world.named.computeIfAbsent(
                        input.key() == null ? "" : input.key().split("\u001F")[0],
                        k -> new HashSet<>());
        if (!input.delete() || input.key() != null) {
            if (input.delete()) {
                before.clear();
            } else {
                named =
                        input.identifiers().size() > 1
                                && before.containsAll(input.identifiers())
                                && (everyMark || marks.nextInt(4) != 0);
                // three in four of the events whose key named some identifier of them before
                // let a never-seen anchor be placed by the event (deduplication marks them all),
                // and one in eight of the others, which the job never marks: a hint, never a rule
                partlyNamed =
                        !named
                                && input.identifiers().size() > 1
                                && (input.identifiers().stream().anyMatch(before::contains)
                                        ? everyMark || marks.nextInt(4) != 0
                                        : !everyMark && marks.nextInt(8) == 0);
                before.addAll(input.identifiers());
            }
        }
        if (input.delete()) {
            EventRouter.erase(
                    input.eventId(),
                    input.identifiers(),
                    input.time(),
                    new Payload(input.eventId(), 0, input.time()),
                    outbox(source));
            return;
        }
        EventRouter.route(
                input.eventId(),
                input.identifiers(),
                input.anchor(),
                input.time(),
                new Payload(
                        input.eventId(),
                        input.amount(),
                        input.time(),
                        input.key(),
                        input.position()),
                input.key(),
                input.position(),
                named,
                partlyNamed,
                outbox(source));
        if (named) {
            sentStraight++;
        }
    }

    /** An event routed again from where it reached an erased cluster (the same channels). */
    private void resend(Address from, String eventId, Payload event) {
        routedAgain++;
        Input input = world.inputs.get(event.eventId());
        EventRouter.route(
                eventId,
                input.identifiers(),
                input.anchor(),
                input.time(),
                event,
                input.key(),
                input.position(),
                false,
                false,
                outbox(from));
    }

    private static final LoopCodec<Payload, Totals> LOOP =
            new LoopCodec<>(Payload.class, Totals.class);

    private void send(Address from, Address to, Message<Payload, Totals> message) {
        LoopLineage.Stamp stamp = null;
        if (from.actor() == Actor.CLUSTER) {
            if (!DistributedIdentityStage.READ_FROM_LOOP.contains(to.actor())) {
                throw new AssertionError(
                        from
                                + " sent "
                                + message
                                + " to "
                                + to
                                + ", whose operator does not read"
                                + " the loop: the job would lose it");
            }
            // what a Cluster sends goes through the loop topic: as its records, written and read
            message = LOOP.decode(LOOP.encode(to, message)).message();
            loopRecords.merge(message.getClass().getSimpleName(), 1, Integer::sum);
            if (loop != Loop.TRANSACTIONAL) {
                stamp = new LoopLineage.Stamp(world.lineage.current(), world.checkpoint + 1);
            }
        }
        if (message instanceof Message.Admit<Payload, Totals> admit
                && from.actor() == Actor.GATHER) {
            anchorsAdmitted += admit.anchor() != null ? 1 : 0;
            provisionalAdmits += admit.provisional() ? 1 : 0;
        }
        if (message instanceof Message.Link<Payload, Totals> link) {
            world.clusterKeys.put(link.winner().toString(), link.winner());
        }
        List<Address> channel = fifo ? List.of(from, to) : List.of(to);
        Envelope envelope = new Envelope(from, to, message, stamp);
        world.channels.computeIfAbsent(channel, k -> new ArrayDeque<>()).add(envelope);
        world.inFlight++;
        if (stamp != null) {
            writtenSinceCheckpoint.add(Map.entry(channel, envelope));
        }
    }

    private void deliverOne() {
        List<List<Address>> open = new ArrayList<>();
        world.channels.forEach(
                (channel, queue) -> {
                    if (!queue.isEmpty()) {
                        open.add(channel);
                    }
                });
        Deque<Envelope> queue = world.channels.get(open.get(random.nextInt(open.size())));
        Envelope envelope;
        if (fifo) {
            envelope = queue.pollFirst();
        } else {
            // any message to that receiver, in any order
            List<Envelope> all = new ArrayList<>(queue);
            envelope = all.remove(random.nextInt(all.size()));
            queue.clear();
            queue.addAll(all);
        }
        world.inFlight--;
        if (envelope.stamp() != null
                && !envelope.stamp().attempt().equals(world.lineage.current())) {
            if (!world.lineage.accepts(envelope.stamp())) {
                ghostsRead++;
                if (loop == Loop.STAMPED) {
                    ghostsIgnored++;
                    return; // written by an attempt after the checkpoint this one restored
                }
            }
        }
        delivered++;
        deliver(envelope.to(), envelope.message());
    }

    private static final long[] NO_MARKS = {Long.MAX_VALUE, Long.MIN_VALUE};

    private void deliver(Address to, Message<Payload, Totals> message) {
        Outbox<Payload, Totals> out = outbox(to);
        deliverTo(to, message, out);
    }

    private Outbox<Payload, Totals> outbox(Address to) {
        return new Outbox<>() {
            @Override
            public void send(Address target, Message<Payload, Totals> m) {
                ProtocolSimulation.this.send(to, target, m);
            }

            @Override
            public void merged(ClusterId loser, ClusterId winner, long at) {
                world.merges.add(new String[] {loser.toString(), winner.toString()});
            }

            @Override
            public void rejected(ClusterId loser, ClusterId winner, String rule, String detail) {
                world.rejections.add(
                        new String[] {loser.toString(), winner.toString(), rule, detail});
            }

            @Override
            public void erased(ClusterId cluster, Totals state, Payload delete) {
                world.erased.add(cluster);
                world.erasedEvents.addAll(state.events.keySet());
            }

            @Override
            public void dropped(Payload event) {
                world.erasedEvents.add(event.eventId());
            }

            @Override
            public void resend(String eventId, Payload event) {
                ProtocolSimulation.this.resend(to, eventId, event);
            }
        };
    }

    private void deliverTo(
            Address to, Message<Payload, Totals> message, Outbox<Payload, Totals> out) {
        if (traced != null && (to.key().contains(traced) || message.toString().contains(traced))) {
            System.out.println("TRACE " + to + " <- " + message);
        }
        switch (to.actor()) {
            case DIRECTORY -> {
                DirectoryActor.Entry after =
                        DirectoryActor.handle(
                                to.key(),
                                new DirectoryActor.Entry(
                                                world.directory.get(to.key()),
                                                world.marks.getOrDefault(to.key(), NO_MARKS)[0],
                                                world.marks.getOrDefault(to.key(), NO_MARKS)[1],
                                                world.blame.getOrDefault(to.key(), 0),
                                                world.joining.get(to.key()))
                                        .unplaced(
                                                world.unplaced.get(to.key()),
                                                List.copyOf(
                                                        world.held.getOrDefault(
                                                                to.key(), new ArrayList<>()))),
                                message,
                                rules.quarantineAfter(),
                                out);
                if (after.unplaced() != null) {
                    world.unplaced.put(to.key(), after.unplaced());
                    world.held.put(to.key(), new ArrayList<>(after.held()));
                } else {
                    world.unplaced.remove(to.key());
                    world.held.remove(to.key());
                }
                if (after.rejections() > 0) {
                    world.blame.put(to.key(), after.rejections());
                }
                if (after.joining() != null) {
                    world.joining.put(to.key(), after.joining());
                } else {
                    world.joining.remove(to.key());
                }
                if (after.cluster() != null) {
                    world.directory.put(to.key(), after.cluster());
                    world.clusterKeys.put(after.cluster().toString(), after.cluster());
                } else {
                    world.directory.remove(to.key());
                }
                if (after.forgottenSince() != Long.MAX_VALUE) {
                    world.marks.put(
                            to.key(), new long[] {after.forgottenSince(), after.foundAfter()});
                }
            }
            case GATHER ->
                    world.gathers.put(
                            to.key(),
                            GatherActor.handle(
                                    to.key(), world.gathers.get(to.key()), message, out));
            case CLUSTER -> {
                ClusterId id = clusterId(to.key());
                world.clusters.put(
                        id, clusterActor.handle(id, world.clusters.get(id), message, out));
            }
        }
    }

    private ClusterId clusterId(String key) {
        ClusterId id = world.clusterKeys.get(key);
        if (id == null) {
            int slash = key.indexOf('/');
            id = new ClusterId(Long.parseLong(key.substring(0, slash)), key.substring(slash + 1));
            world.clusterKeys.put(key, id);
        }
        return id;
    }

    // ------------------------------------------------------------------ views for the checks

    /** The live cluster an identifier resolves to, following forwards (strictly decreasing). */
    ClusterId resolve(String identifier) {
        ClusterId id = world.directory.get(identifier);
        if (id == null) {
            throw new AssertionError(identifier + " has no directory entry");
        }
        try {
            return live(id);
        } catch (AssertionError e) {
            throw new AssertionError(identifier + ": " + e.getMessage(), e);
        }
    }

    ClusterId live(ClusterId id) {
        ClusterState<Payload, Totals> state = world.clusters.get(id);
        while (state != null && state.tombstone) {
            if (state.erased) {
                throw new AssertionError(id + " was erased");
            }
            if (state.forward.compareTo(id) >= 0) {
                throw new AssertionError(id + " forwards to a younger " + state.forward);
            }
            id = state.forward;
            state = world.clusters.get(id);
        }
        if (state == null) {
            throw new AssertionError(id + " was never created");
        }
        return id;
    }

    /** Each live profile as its members and the events credited to it, sorted. */
    List<String> profilesWithEvents() {
        List<String> profiles = new ArrayList<>();
        liveClusters()
                .values()
                .forEach(
                        c ->
                                profiles.add(
                                        new TreeSet<>(c.members)
                                                + "="
                                                + new TreeSet<>(c.state.events.keySet())));
        profiles.sort(null);
        return profiles;
    }

    Map<ClusterId, ClusterState<Payload, Totals>> liveClusters() {
        Map<ClusterId, ClusterState<Payload, Totals>> live = new TreeMap<>();
        world.clusters.forEach(
                (id, state) -> {
                    if (!state.tombstone && !state.erased) {
                        live.put(id, state);
                    }
                });
        return live;
    }

    Map<ClusterId, ClusterState<Payload, Totals>> allClusters() {
        return world.clusters;
    }

    Set<String> identifiers() {
        return world.directory.keySet();
    }

    private boolean anyEarly() {
        return world.clusters.values().stream().anyMatch(s -> !s.early.isEmpty());
    }

    /**
     * All is quiet, so event time passes the creation of every new cluster still waiting for its
     * founding event (as the job's timer at its creation does): what waited is handled now. A
     * message held is one delivered late, which the schedules cover already.
     */
    private void settleAwaiting() {
        for (Map.Entry<ClusterId, ClusterState<Payload, Totals>> cluster :
                new ArrayList<>(world.clusters.entrySet())) {
            clusterActor.settleBy(
                    cluster.getKey(),
                    cluster.getValue(),
                    Long.MAX_VALUE,
                    outbox(Address.cluster(cluster.getKey())));
        }
    }

    /**
     * Event time passes everything: each cluster credits what it still holds for an earlier event
     * of its key (one that went to another profile).
     */
    void releaseHeld() {
        world.clusters.forEach((id, state) -> clusterActor.release(id, state, Long.MAX_VALUE));
    }

    List<String[]> rejections() {
        return world.rejections;
    }

    List<String[]> merges() {
        return world.merges;
    }

    /** The clusters erased by deletes, in order (a loser erased on arrival too). */
    List<ClusterId> erased() {
        return world.erased;
    }

    /** Events that were in a profile when it was erased. */
    Set<String> erasedEvents() {
        return world.erasedEvents;
    }

    boolean quiescent() {
        return world.inFlight == 0
                && world.unplaced.isEmpty()
                && world.clusters.values().stream()
                        .allMatch(
                                s ->
                                        s.lockedOn == null
                                                && s.buffer.isEmpty()
                                                && s.early.isEmpty()
                                                && s.planned.isEmpty()
                                                && s.reserved.isEmpty());
    }

    /** The clusters not settled, for a failure message. */
    String unsettled() {
        StringBuilder text = new StringBuilder("in flight " + world.inFlight);
        world.unplaced.forEach(
                (identifier, wouldFound) ->
                        text.append("; unplaced ")
                                .append(identifier)
                                .append(" (would found ")
                                .append(wouldFound)
                                .append(") holding ")
                                .append(world.held.get(identifier)));
        world.clusters.forEach(
                (id, s) -> {
                    if (s.lockedOn != null
                            || !s.buffer.isEmpty()
                            || !s.early.isEmpty()
                            || !s.planned.isEmpty()
                            || !s.reserved.isEmpty()) {
                        text.append("; ")
                                .append(id)
                                .append(s.tombstone ? " tomb->" + s.forward : " alive")
                                .append(s.erased ? " erased" : "")
                                .append(" early ")
                                .append(s.early)
                                .append(" planned ")
                                .append(s.planned)
                                .append(" locked ")
                                .append(s.lockedOn)
                                .append(" buffer ")
                                .append(s.buffer)
                                .append(" reserved ")
                                .append(s.reserved.keySet())
                                .append(" absorbed ")
                                .append(s.absorbed);
                        for (ClusterId loser : s.reserved.keySet()) {
                            ClusterState<Payload, Totals> l = world.clusters.get(loser);
                            text.append(" [loser ")
                                    .append(loser)
                                    .append(
                                            l == null
                                                    ? " none"
                                                    : l.tombstone
                                                            ? " tomb->" + l.forward
                                                            : " alive locked " + l.lockedOn)
                                    .append("]");
                        }
                    }
                });
        return text.toString();
    }

    MergeRules rules() {
        return rules;
    }

    /** Refused links blamed on each identifier. */
    Map<String, Integer> blame() {
        return world.blame;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Serializable> T copy(T value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in =
                    new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return (T) in.readObject();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }
}
