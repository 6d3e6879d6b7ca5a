package io.tessera.tools;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Which faults a chaos run injects, in which order, after which pauses: lanes that run side by
 * side, the machines' (a taskmanager killed, the broker restarted, a checkpoint timing out) and the
 * Edge API's (down, slow), so that machines also fail while activation calls are in flight. Drawn
 * from a seed: the same seed, the same plan.
 *
 * @param lanes the lanes, each in its order
 */
record ChaosPlan(List<Lane> lanes) {

    /** The machines' lane of the long run; in the quick run the kill has a lane of its own. */
    static final String MACHINES = "machines";

    /** The quick run's lane of the taskmanager kill. */
    static final String KILL = "kill";

    /** The Edge API's lane. */
    static final String EDGE = "edge";

    /**
     * One lane: its faults come one after the other, each after the one before recovered.
     *
     * @param name what the run's output calls it
     * @param faults in order
     */
    record Lane(String name, List<Fault> faults) {}

    /** A plan without faults. */
    static ChaosPlan none() {
        return new ChaosPlan(List.of());
    }

    /** The faults of a lane, none when the plan has no lane of that name. */
    List<Fault> lane(String name) {
        return lanes.stream()
                .filter(lane -> lane.name().equals(name))
                .findFirst()
                .map(Lane::faults)
                .orElse(List.of());
    }

    /** The kinds of fault. */
    enum Kind {
        /** {@code kill -9} of a taskmanager; a replacement starts a few seconds later. */
        TASKMANAGER_KILLED("kill -9 of a taskmanager, restarted"),
        /** The Kafka broker stopped and started again. */
        BROKER_RESTARTED("broker restart"),
        /** A taskmanager frozen ({@code SIGSTOP}) for longer than the checkpoint timeout. */
        CHECKPOINT_TIMEOUT("checkpoint timeout (a taskmanager frozen)"),
        /** The Edge API answers 503 to everything. */
        EDGE_DOWN("Personalize down (503)"),
        /** The Edge API answers every call only after seconds. */
        EDGE_SLOW("Personalize slow");

        private final String description;

        Kind(String description) {
            this.description = description;
        }

        String description() {
            return description;
        }
    }

    /**
     * One fault.
     *
     * @param kind what happens
     * @param pauseBefore how long its lane waits, after the previous fault recovered, to inject it
     * @param length how long it lasts (a machine down, the edge down or slow, a freeze)
     * @param taskManager which taskmanager it hits (the machines' faults)
     */
    record Fault(Kind kind, Duration pauseBefore, Duration length, int taskManager) {}

    /**
     * How long each fault lasts.
     *
     * @param brokerDown how long the broker is down
     * @param edgeDown how long the edge answers 503
     * @param edgeSlow how long the edge is slow
     * @param freeze how long a taskmanager is frozen (more than the checkpoint timeout)
     * @param pauses the range of the pauses between two faults of a lane, from and to
     */
    record Lengths(
            Duration brokerDown,
            Duration edgeDown,
            Duration edgeSlow,
            Duration freeze,
            Duration pauseFrom,
            Duration pauseTo) {}

    /** How long a killed taskmanager stays down before its replacement starts. */
    static final Duration REPLACEMENT_AFTER = Duration.ofSeconds(3);

    /**
     * One fault of each kind, in an order drawn from the seed (the quick run). The kill has a lane
     * of its own beside the broker restart and the freeze: the three one after the other outlast a
     * minute of traffic, since a killed taskmanager's recovery waits for its replacement to start.
     */
    static ChaosPlan oneOfEach(long seed, Lengths lengths, int taskManagers) {
        Random random = new Random(seed);
        List<Kind> machines = machineKinds(random);
        machines.remove(Kind.TASKMANAGER_KILLED);
        return new ChaosPlan(
                List.of(
                        new Lane(MACHINES, lane(random, machines, lengths, taskManagers)),
                        new Lane(
                                KILL,
                                lane(
                                        random,
                                        List.of(Kind.TASKMANAGER_KILLED),
                                        lengths,
                                        taskManagers)),
                        new Lane(EDGE, lane(random, edgeKinds(random), lengths, taskManagers))));
    }

    /**
     * Rounds of every kind, each round in an order drawn from the seed, as many as fit in {@code
     * window} by the planned lengths and pauses. Recoveries come on top, so a lane may go on past
     * the traffic: every planned fault is injected.
     */
    static ChaosPlan rounds(long seed, Lengths lengths, int taskManagers, Duration window) {
        Random random = new Random(seed);
        List<Fault> machines = new ArrayList<>();
        List<Fault> edge = new ArrayList<>();
        while (total(machines).compareTo(window) < 0) {
            machines.addAll(lane(random, machineKinds(random), lengths, taskManagers));
        }
        while (total(edge).compareTo(window) < 0) {
            edge.addAll(lane(random, edgeKinds(random), lengths, taskManagers));
        }
        return new ChaosPlan(
                List.of(
                        new Lane(MACHINES, List.copyOf(machines)),
                        new Lane(EDGE, List.copyOf(edge))));
    }

    /** How many faults the plan holds. */
    int size() {
        return lanes.stream().mapToInt(lane -> lane.faults().size()).sum();
    }

    private static List<Kind> machineKinds(Random random) {
        List<Kind> kinds =
                new ArrayList<>(
                        List.of(
                                Kind.TASKMANAGER_KILLED,
                                Kind.BROKER_RESTARTED,
                                Kind.CHECKPOINT_TIMEOUT));
        Collections.shuffle(kinds, random);
        return kinds;
    }

    private static List<Kind> edgeKinds(Random random) {
        List<Kind> kinds = new ArrayList<>(List.of(Kind.EDGE_DOWN, Kind.EDGE_SLOW));
        Collections.shuffle(kinds, random);
        return kinds;
    }

    private static List<Fault> lane(
            Random random, List<Kind> kinds, Lengths lengths, int taskManagers) {
        List<Fault> faults = new ArrayList<>();
        long from = lengths.pauseFrom().toMillis();
        long spread = Math.max(1, lengths.pauseTo().toMillis() - from);
        for (Kind kind : kinds) {
            Duration pause = Duration.ofMillis(from + (long) (random.nextDouble() * spread));
            Duration length =
                    switch (kind) {
                        case TASKMANAGER_KILLED -> REPLACEMENT_AFTER;
                        case BROKER_RESTARTED -> lengths.brokerDown();
                        case CHECKPOINT_TIMEOUT -> lengths.freeze();
                        case EDGE_DOWN -> lengths.edgeDown();
                        case EDGE_SLOW -> lengths.edgeSlow();
                    };
            faults.add(new Fault(kind, pause, length, random.nextInt(taskManagers)));
        }
        return faults;
    }

    private static Duration total(List<Fault> faults) {
        Duration total = Duration.ZERO;
        for (Fault fault : faults) {
            total = total.plus(fault.pauseBefore()).plus(fault.length());
        }
        return total;
    }
}
