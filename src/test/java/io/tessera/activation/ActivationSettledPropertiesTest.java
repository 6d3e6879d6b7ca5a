package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * {@link ActivationPlanner#settled}: the planner skips a target only when planning it would send
 * nothing and change nothing, over states and targets drawn from a small world of uids and values
 * (so that equal and unequal ones both come up often).
 */
class ActivationSettledPropertiesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ActivationPlanner PLANNER =
            new ActivationPlanner(
                    ActivationPlannerTest.settings("Order Completed:purchase"),
                    new AttributeMap(Map.of("orders", "cdp_orders"), Map.of()));

    @Property(tries = 2_000)
    void aSettledTargetPlansNothingAndChangesNothing(
            @ForAll("states") ActivationState state, @ForAll("targets") ActivationTarget target) {
        boolean settled = PLANNER.settled(state, target);
        Statistics.label("settled").collect(settled);
        Statistics.label("settled").coverage(coverage -> coverage.check(true).count(c -> c >= 20));
        if (!settled) {
            return;
        }
        JsonNode before = JSON.valueToTree(state);
        List<EdgeRequest> sent = new ArrayList<>(PLANNER.plan(state, target, "P1", 0));
        sent.addAll(PLANNER.waitingEvents(state, "P1", 0));
        assertEquals(List.of(), sent);
        assertEquals(before, JSON.valueToTree(state));
    }

    @Provide
    Arbitrary<ActivationState> states() {
        return Arbitraries.integers()
                .between(0, Integer.MAX_VALUE)
                .map(
                        seed -> {
                            java.util.Random random = new java.util.Random(seed);
                            ActivationState state = new ActivationState();
                            state.primary = pick(random, null, "u1", "u2");
                            state.merged = uids(random);
                            state.consented = random.nextInt(5) > 0;
                            state.sent = attributes(random);
                            if (random.nextInt(6) == 0) {
                                state.waitingEvents.add("purchase");
                            }
                            if (random.nextInt(6) == 0) {
                                state.pending = target(random);
                            }
                            return state;
                        });
    }

    @Provide
    Arbitrary<ActivationTarget> targets() {
        return Arbitraries.integers()
                .between(0, Integer.MAX_VALUE)
                .map(seed -> target(new java.util.Random(seed)));
    }

    private static ActivationTarget target(java.util.Random random) {
        ActivationTarget target = new ActivationTarget();
        target.primary = pick(random, null, "u1", "u2");
        target.others = uids(random);
        target.consented = random.nextInt(5) > 0;
        target.attributes = attributes(random);
        return target;
    }

    private static List<String> uids(java.util.Random random) {
        List<String> uids = new ArrayList<>();
        for (String uid : List.of("u1", "u2", "a1")) {
            if (random.nextInt(3) == 0) {
                uids.add(uid);
            }
        }
        return uids;
    }

    private static Map<String, String> attributes(java.util.Random random) {
        Map<String, String> attributes = new TreeMap<>();
        for (String attribute : List.of("cdp_orders", "cdp_aud_buyers")) {
            String value = pick(random, null, "null", "1", "true");
            if (value != null) {
                attributes.put(attribute, value);
            }
        }
        return attributes;
    }

    private static String pick(java.util.Random random, String... values) {
        return values[random.nextInt(values.length)];
    }
}
