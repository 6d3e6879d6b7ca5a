package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.tessera.identity.distributed.ProtocolSimulation.Input;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The privacy delete in distributed mode, under random schedules: a delete erases the live profile
 * its identifiers resolve to, every member's Directory forgets it, and later events start new
 * profiles. What races with a delete (an event or a merge its Directory passed before the erasure
 * reached it) is erased with the person; nothing else is lost, and no identifier is left pointing
 * into an erased profile.
 */
class PrivacyDeleteProtocolTest {
    private static final MergeRules UNIQUE_USER =
            new MergeRules(Set.of("user_id"), Map.of("user_id", 1, "email", 3), 10, 30);

    @Test
    void aDeleteErasesTheProfileAndLaterEventsStartNewOnes() {
        List<Input> steps =
                List.of(
                        new Input("1", List.of("anonymous_id:a1"), "anonymous_id:a1", 1, 1),
                        new Input(
                                "2", List.of("user_id:u1", "anonymous_id:a1"), "user_id:u1", 2, 1),
                        new Input(
                                "3",
                                List.of("user_id:u1", "email:ann@shop.io"),
                                "user_id:u1",
                                3,
                                1),
                        new Input("4", List.of("anonymous_id:a9"), "anonymous_id:a9", 4, 1),
                        new Input("d", List.of("user_id:u1"), "user_id:u1", 5, 0, true),
                        new Input("5", List.of("anonymous_id:a1"), "anonymous_id:a1", 6, 1),
                        new Input("6", List.of("email:ann@shop.io"), "email:ann@shop.io", 7, 1));
        for (long seed = 1; seed <= 60; seed++) {
            ProtocolSimulation sim = new ProtocolSimulation(UNIQUE_USER, seed, seed % 2 == 0);
            sim.runStepByStep(steps);

            assertEquals(
                    "{[anonymous_id:a1]=[5], [anonymous_id:a9]=[4], [email:ann@shop.io]=[6]}",
                    profiles(sim).toString(),
                    "seed " + seed + ": the person's profile is gone, later events start anew");
            assertEquals(List.of("1/anonymous_id:a1"), ids(sim.erased()), "seed " + seed);
            assertEquals(Set.of("1", "2", "3"), sim.erasedEvents(), "seed " + seed);
            assertFalse(sim.identifiers().contains("user_id:u1"), "u1 is forgotten");
            assertTrue(sim.quiescent(), sim.unsettled());
        }
    }

    /**
     * The login that links a visitor's anonymous id to the user id being deleted races the delete:
     * the anonymous history goes with the person (the link follows the erasure to the profile it
     * would have merged into), unless the delete passed the user id's Directory before the user id
     * was known at all (then it deleted nothing, as it would have before the login).
     */
    @Test
    void aLoginRacingTheDeleteTakesTheAnonymousHistoryWithThePerson() {
        List<Input> inputs =
                List.of(
                        new Input("e1", List.of("anonymous_id:a1"), "anonymous_id:a1", 1, 1),
                        new Input(
                                "e2", List.of("user_id:u1", "anonymous_id:a1"), "user_id:u1", 2, 1),
                        new Input("d", List.of("user_id:u1"), "user_id:u1", 3, 0, true));
        int erasedAll = 0;
        for (long seed = 1; seed <= 200; seed++) {
            ProtocolSimulation sim = new ProtocolSimulation(UNIQUE_USER, seed, seed % 2 == 0);
            sim.run(inputs, -1);
            Map<Set<String>, Set<String>> profiles = profiles(sim);
            if (profiles.isEmpty()) {
                erasedAll++;
            } else {
                assertEquals(
                        "{[anonymous_id:a1, user_id:u1]=[e1, e2]}",
                        profiles.toString(),
                        "seed " + seed + ": the history survives only with the user id");
            }
        }
        assertTrue(erasedAll > 100, "most schedules erase the person: " + erasedAll);
    }

    @Test
    void deletesRacingWithEventsAndMergesLoseNothingElse() {
        for (long seed = 1; seed <= Long.getLong("trials", 150); seed++) {
            trial(seed, seed % 3 == 0 ? MergeRules.none() : UNIQUE_USER, seed % 2 == 0, -1);
        }
    }

    @Test
    void aFailureRestoredFromAConsistentCutInTheMiddleOfADeleteChangesNothing() {
        // 1,000 schedules (seconds): a forget overtaking a placing repoint showed at seed 5,924
        for (long seed = 5001; seed <= 5000 + Long.getLong("trials", 1_000); seed++) {
            trial(seed, UNIQUE_USER, seed % 2 == 1, 30 + (int) (seed % 300));
        }
    }

    private static void trial(long seed, MergeRules rules, boolean fifo, int failAt) {
        Random random = new Random(seed);
        List<Input> inputs = withDeletes(MergeProtocolTest.workload(random), random);
        ProtocolSimulation sim = new ProtocolSimulation(rules, seed, fifo);
        try {
            sim.run(inputs, failAt);
            check(sim, inputs);
        } catch (AssertionError | RuntimeException e) {
            fail(
                    "seed "
                            + seed
                            + (fifo ? " (FIFO)" : " (any order)")
                            + (failAt >= 0 ? ", failure after step " + failAt : "")
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /** The workload with deletes of random identifiers it uses, now and then, some redelivered. */
    private static List<Input> withDeletes(List<Input> workload, Random random) {
        List<Input> inputs = new ArrayList<>();
        int deletes = 0;
        for (Input input : workload) {
            inputs.add(input);
            if (random.nextInt(8) == 0) {
                String identifier =
                        input.identifiers().get(random.nextInt(input.identifiers().size()));
                Input delete =
                        new Input(
                                "d" + deletes++,
                                List.of(identifier),
                                identifier,
                                input.time() + 1,
                                0,
                                true);
                inputs.add(delete);
                if (random.nextInt(4) == 0) {
                    inputs.add(delete); // redelivered
                }
            }
        }
        return inputs;
    }

    private static void check(ProtocolSimulation sim, List<Input> inputs) {
        assertTrue(sim.quiescent(), "settled: " + sim.unsettled());
        Map<ClusterId, ClusterState<ProtocolSimulation.Payload, ProtocolSimulation.Totals>> live =
                sim.liveClusters();

        // every identifier with an entry resolves to a live profile that holds it, and back
        Map<String, ClusterId> memberOf = new HashMap<>();
        live.forEach(
                (id, state) ->
                        state.members.forEach(
                                member ->
                                        assertEquals(
                                                null,
                                                memberOf.put(member, id),
                                                member + " is in two live profiles")));
        for (String identifier : sim.identifiers()) {
            ClusterId resolved = sim.resolve(identifier); // fails on an erased profile
            assertEquals(
                    resolved,
                    memberOf.get(identifier),
                    identifier + " resolves to a profile that does not hold it");
        }
        memberOf.keySet()
                .forEach(
                        member ->
                                assertTrue(
                                        sim.identifiers().contains(member),
                                        member + " is held by a profile but has no entry"));

        // every event is counted once in a live profile, or was erased with a person
        Map<String, Integer> counted = new TreeMap<>();
        live.values()
                .forEach(
                        s ->
                                s.state
                                        .events
                                        .keySet()
                                        .forEach(e -> counted.merge(e, 1, Integer::sum)));
        Set<String> events = new TreeSet<>();
        inputs.stream().filter(i -> !i.delete()).forEach(i -> events.add(i.eventId()));
        for (String event : events) {
            int n = counted.getOrDefault(event, 0);
            boolean erased = sim.erasedEvents().contains(event);
            assertTrue(
                    (n == 1 && !erased) || (n == 0 && erased),
                    "event " + event + " counted " + n + " times, erased " + erased);
        }
        // every delete of a known identifier erased someone
        if (inputs.stream().anyMatch(Input::delete)) {
            assertTrue(!sim.erased().isEmpty() || sim.erasedEvents().isEmpty());
        }
    }

    private static Map<Set<String>, Set<String>> profiles(ProtocolSimulation sim) {
        Map<Set<String>, Set<String>> profiles = new TreeMap<>(Comparator.comparing(Set::toString));
        sim.liveClusters()
                .values()
                .forEach(
                        c ->
                                profiles.put(
                                        new TreeSet<>(c.members),
                                        new TreeSet<>(c.state.events.keySet())));
        return profiles;
    }

    private static List<String> ids(List<ClusterId> clusters) {
        return clusters.stream().map(ClusterId::toString).toList();
    }
}
