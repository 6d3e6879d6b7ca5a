package io.tessera.identity.distributed;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/** The protocol simulation as other packages' tests use it. */
public final class ProtocolRun {
    private ProtocolRun() {}

    /** An input event (identifiers as {@code type:value}). */
    public record Input(String eventId, List<String> identifiers, long time, long amount) {}

    /** The test workload of {@link MergeProtocolTest}, redeliveries included. */
    public static List<Input> workload(Random random) {
        return MergeProtocolTest.workload(random).stream()
                .map(i -> new Input(i.eventId(), i.identifiers(), i.time(), i.amount()))
                .toList();
    }

    /**
     * Runs the inputs without rules to quiescence; each live profile: its identifiers, and the
     * amount of its events.
     */
    public static Map<Set<String>, Long> run(List<Input> inputs, long seed, boolean fifo) {
        ProtocolSimulation sim = new ProtocolSimulation(MergeRules.none(), seed, fifo);
        sim.run(simulated(inputs), -1);
        Map<Set<String>, Long> profiles = new java.util.HashMap<>();
        sim.liveClusters()
                .forEach(
                        (id, state) ->
                                profiles.put(
                                        new TreeSet<>(state.members),
                                        state.state.events.values().stream()
                                                .mapToLong(Long::longValue)
                                                .sum()));
        return profiles;
    }

    /**
     * Runs the inputs under the rules of {@code rules}, each to quiescence before the next (no
     * racing logins), and returns the partition of identifiers into live profiles. The first
     * identifier of an input is its anchor (the highest priority, as the route orders them).
     */
    public static Set<Set<String>> partitionStepByStep(
            List<Input> inputs, io.tessera.identity.IdentityRules rules) {
        ProtocolSimulation sim = new ProtocolSimulation(MergeRules.of(rules), 0, true);
        sim.runStepByStep(simulated(inputs));
        Set<Set<String>> partition = new java.util.HashSet<>();
        sim.liveClusters().values().forEach(state -> partition.add(new TreeSet<>(state.members)));
        return partition;
    }

    /** The inputs as the simulation takes them, the first identifier as the anchor. */
    private static List<ProtocolSimulation.Input> simulated(List<Input> inputs) {
        return inputs.stream()
                .map(
                        i ->
                                new ProtocolSimulation.Input(
                                        i.eventId(),
                                        i.identifiers(),
                                        i.identifiers().get(0),
                                        i.time(),
                                        i.amount()))
                .toList();
    }
}
