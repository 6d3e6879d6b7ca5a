package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.ProtocolSimulation.Input;
import io.tessera.identity.distributed.ProtocolSimulation.Payload;
import io.tessera.identity.distributed.ProtocolSimulation.Totals;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A person's events reach their profile by several paths (directly from a Directory or a Gather,
 * carried by a merge, relayed through the loop behind an offer), so without care they are credited
 * in the order they happen to arrive. Numbered by their key, as deduplication numbers them, each is
 * credited only after the one before it: under random schedules every event of a key is credited in
 * its order (the simulation's credit fails otherwise), and none is left waiting at quiescence
 * unless a refused merge parted the key's events (then event time releases them). The channels are
 * FIFO, as Flink's are: a key's events pass one route subtask, so they reach each Directory in
 * their order, and the first of a key to found a cluster is the first to reach it.
 */
class KeyOrderProtocolTest {
    private static final MergeRules UNIQUE_USER =
            new MergeRules(Set.of("user_id"), Map.of("user_id", 1, "email", 3), 10, 30);

    @Test
    void everyEventOfAKeyIsCreditedInItsOrderWhateverPathItTakes() {
        // 1,000 schedules (a second each): at 150 an event sent straight and released by event
        // time behind later ones of its key went unseen
        for (long seed = 1; seed <= Long.getLong("trials", 1_000); seed++) {
            trial(seed, seed % 3 == 0 ? UNIQUE_USER : MergeRules.none(), true);
        }
    }

    private final ClusterActor<Payload, Totals> actor =
            new ClusterActor<>(MergeRules.none(), ProtocolSimulation.OPS);
    private final RecordingOutbox<Payload, Totals> out = new RecordingOutbox<>();

    /** The {@code n}-th event of key {@code k}, at n seconds. */
    private static Message.Contribute<Payload, Totals> nth(int n) {
        return new Message.Contribute<>("e" + n, new Payload("e" + n, n, n * 1_000L, "k", n));
    }

    /** A new cluster that event time has settled: its founding event went elsewhere. */
    private ClusterState<Payload, Totals> settled(ClusterId cluster) {
        ClusterState<Payload, Totals> s =
                actor.handle(cluster, null, new Message.Init<>(cluster.founder()), out);
        return actor.settleBy(cluster, s, cluster.createdAt(), out);
    }

    @Test
    void aHeldEventIsCreditedWhenEventTimePassesIt() {
        ClusterId cluster = new ClusterId(1_000, "anonymous_id:a1");
        ClusterState<Payload, Totals> s = actor.handle(cluster, null, nth(1), out);
        // the second event went to another profile: the third waits for it
        s = actor.handle(cluster, s, nth(3), out);
        assertEquals(Set.of("e1"), s.state.events.keySet());
        assertEquals(1, s.held.size());

        s = actor.release(cluster, s, 2_999);
        assertEquals(1, s.held.size(), "event time has not passed it yet");
        s = actor.release(cluster, s, 3_000);
        assertEquals(Set.of("e1", "e3"), s.state.events.keySet());
        assertTrue(s.held.isEmpty());
        // the fourth follows the third at once
        s = actor.handle(cluster, s, nth(4), out);
        assertEquals(Set.of("e1", "e3", "e4"), s.state.events.keySet());
    }

    @Test
    void anEventHeldForOneALoserCreditedIsCreditedWhenTheLoserIsTaken() {
        ClusterId winner = new ClusterId(1_000, "anonymous_id:a1");
        ClusterId loser = new ClusterId(1_000, "personalize_uid:p1");
        ClusterState<Payload, Totals> l = actor.handle(loser, null, nth(1), out);
        actor.handle(loser, l, new Message.Link<>(winner, List.of()), out);
        Message<Payload, Totals> offer = out.sentTo(winner).get(0);
        assertTrue(offer instanceof Message.Offer<Payload, Totals> o && o.carried() == null);

        ClusterState<Payload, Totals> w = actor.handle(winner, settled(winner), nth(2), out);
        assertEquals(1, w.held.size(), "the second waits for the first");
        w = actor.handle(winner, w, offer, out);

        assertEquals(Set.of("e1", "e2"), w.state.events.keySet(), "held: " + w.held);
        assertTrue(w.held.isEmpty());
    }

    @Test
    void aLoserOnOfferPassesWhatItHoldsToTheWinner() {
        ClusterId winner = new ClusterId(1_000, "anonymous_id:a1");
        ClusterId loser = new ClusterId(1_000, "personalize_uid:p1");
        ClusterState<Payload, Totals> s = actor.handle(loser, settled(loser), nth(2), out);
        assertEquals(1, s.held.size());

        actor.handle(loser, s, new Message.Link<>(winner, List.of()), out);

        List<Message<Payload, Totals>> toWinner = out.sentTo(winner);
        assertTrue(toWinner.get(0) instanceof Message.Offer, toWinner.toString());
        assertEquals(new Message.Relay<>(loser, nth(2)), toWinner.get(1));
        assertTrue(s.held.isEmpty());
    }

    @Test
    void aClusterFoundedByARefusedLoginCreditsItWhenItsFoundingComesAfterTheLink() {
        ClusterActor<Payload, Totals> unique =
                new ClusterActor<>(
                        new MergeRules(Set.of("user_id"), Map.of("user_id", 1), 10, 30),
                        ProtocolSimulation.OPS);
        ClusterId device = new ClusterId(1_000, "anonymous_id:a1");
        ClusterId login = new ClusterId(5_000, "user_id:u2");
        Message.Contribute<Payload, Totals> fifth = nth(5);
        // the Gather's link overtakes the Directory's founding message, and is refused
        ClusterState<Payload, Totals> s =
                unique.handle(login, null, new Message.Link<>(device, List.of(), fifth), out);
        s = unique.handle(login, s, new Message.Init<>("user_id:u2", "k", 5), out);
        s = unique.handle(login, s, new Message.Reject<>(device, "unique", "user_id"), out);

        assertEquals(Set.of("e5"), s.state.events.keySet(), "held: " + s.held);

        // the founding message last of all: the event came back and waits for it
        ClusterState<Payload, Totals> late =
                unique.handle(login, null, new Message.Link<>(device, List.of(), fifth), out);
        late = unique.handle(login, late, new Message.Reject<>(device, "unique", "user_id"), out);
        assertEquals(Set.of(), late.state.events.keySet());
        late = unique.handle(login, late, new Message.Init<>("user_id:u2", "k", 5), out);
        assertEquals(Set.of("e5"), late.state.events.keySet(), "held: " + late.held);
    }

    private static void trial(long seed, MergeRules rules, boolean fifo) {
        Random random = new Random(seed);
        List<Input> inputs = workload(random);
        ProtocolSimulation sim = new ProtocolSimulation(rules, seed, fifo);
        try {
            sim.run(inputs, -1);
            if (sim.rejections().isEmpty()) {
                for (ClusterState<Payload, Totals> state : sim.allClusters().values()) {
                    assertTrue(state.held.isEmpty(), "an event still waits: " + state.held);
                }
            }
            // A refused merge can part a key's events between two profiles (a second login on
            // the device racing the first): each then waits for the other's, until event time
            // passes them.
            sim.releaseHeld();
            Map<String, Long> credited = new TreeMap<>();
            for (ClusterState<Payload, Totals> state : sim.liveClusters().values()) {
                credited.putAll(state.state.events);
            }
            assertEquals(inputs.size(), credited.size(), "every event credited");
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("seed " + seed + " (fifo " + fifo + "): " + e.getMessage(), e);
        }
    }

    /**
     * Visitors whose every event carries three identifiers (so the first founds three clusters that
     * merge through the loop), one with the anonymous id alone now and then (its Directory credits
     * it), and a login with a user id and an email after which the user id comes along. Each
     * visitor's events are numbered under the visitor's key, and the visitors interleave.
     */
    static List<Input> workload(Random random) {
        List<Input> inputs = new ArrayList<>();
        int visitors = 2 + random.nextInt(5);
        for (int v = 0; v < visitors; v++) {
            String key = "key-" + v;
            List<String> device =
                    List.of("personalize_uid:p" + v, "device_id:d" + v, "anonymous_id:a" + v);
            int events = 2 + random.nextInt(6);
            int login = random.nextInt(3) == 0 ? 1 + random.nextInt(events) : -1;
            long time = 1_000L * (1 + random.nextInt(20));
            boolean loggedIn = false;
            for (int i = 1; i <= events; i++) {
                time += 1 + random.nextInt(3_000);
                List<String> identifiers = new ArrayList<>();
                if (i == login) {
                    identifiers.add("user_id:u" + v);
                    identifiers.add("email:e" + v + "@shop.io");
                    loggedIn = true;
                } else if (loggedIn && random.nextInt(5) == 0) {
                    // another user logs in on the same device: refused where user ids are unique
                    identifiers.add("user_id:other" + v + "-" + i);
                } else if (loggedIn && random.nextBoolean()) {
                    identifiers.add("user_id:u" + v);
                }
                if (i > 1 && identifiers.isEmpty() && random.nextInt(4) == 0) {
                    identifiers.add("anonymous_id:a" + v);
                } else {
                    identifiers.addAll(device);
                }
                String id = "v" + v + "e" + i;
                inputs.add(new Input(id, identifiers, identifiers.get(0), time, i, false, key, i));
            }
        }
        inputs.sort(Comparator.comparingLong(Input::time));
        return inputs;
    }
}
