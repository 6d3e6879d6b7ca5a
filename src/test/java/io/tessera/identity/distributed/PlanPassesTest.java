package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Single mode's passes over what an event's clusters hold. */
class PlanPassesTest {
    private static final MergeRules RULES =
            new MergeRules(
                    Set.of("user_id"),
                    Map.of("user_id", 1, "email", 2),
                    10,
                    4,
                    5,
                    Map.of("user_id", 1, "email", 2, "device_id", 3, "anonymous_id", 4),
                    5);

    private static final ClusterId KIOSK = new ClusterId(1_000, "device_id:kiosk");
    private static final ClusterId USER = new ClusterId(2_000, "user_id:u2");
    private static final ClusterId EMAIL = new ClusterId(3_000, "email:e2");
    private static final ClusterId FRESH = new ClusterId(4_000, "anonymous_id:a9");

    private static Reservation holding(String user, Map<String, Integer> counts, int size) {
        return new Reservation(
                user == null ? Map.of() : Map.of("user_id", user), new TreeMap<>(counts), size);
    }

    @Test
    void theFirstKnownIdentifiersClusterGathersTheOthersInPriorityOrderAndTheRefusedGatherApart() {
        // The kiosk holds another user; the user's own email is known apart; the anonymous id is
        // new. Single mode: home u2, the email joins, the kiosk is refused (unique), the new id
        // joins; the kiosk stays alone.
        Message.PlanStep user = new Message.PlanStep("user_id:u2", USER, true);
        Message.PlanStep email = new Message.PlanStep("email:e2", EMAIL, true);
        Message.PlanStep kiosk = new Message.PlanStep("device_id:kiosk", KIOSK, true);
        Message.PlanStep fresh = new Message.PlanStep("anonymous_id:a9", FRESH, false);
        PlanPasses.Outcome outcome =
                PlanPasses.run(
                        List.of(user, email, kiosk, fresh),
                        Map.of(
                                KIOSK, holding("u1", Map.of("user_id", 1, "device_id", 1), 2),
                                USER, holding("u2", Map.of("user_id", 1), 1),
                                EMAIL, holding(null, Map.of("email", 1), 1),
                                FRESH, holding(null, Map.of("anonymous_id", 1), 1)),
                        RULES);

        assertEquals(List.of(Set.of(USER, EMAIL, FRESH), Set.of(KIOSK)), outcome.groups());
        assertEquals(1, outcome.refusals().size());
        PlanPasses.Refused refused = outcome.refusals().get(0);
        assertEquals("unique", refused.rule());
        assertEquals(kiosk, refused.refused());
        assertEquals(
                "device_id:kiosk",
                PlanPasses.blamed(refused, List.of(user, email, kiosk, fresh), RULES),
                "the weaker of the pair");
    }

    @Test
    void whatACapKeepsOutGathersInTheNextPassAndEachRefusalIsBlamed() {
        // A cap of 4: the user's cluster (3) takes the new email (4); the two new anonymous ids
        // are refused one after the other, then gather between themselves.
        ClusterId a1 = new ClusterId(5_000, "anonymous_id:a1");
        ClusterId a2 = new ClusterId(5_001, "anonymous_id:a2");
        List<Message.PlanStep> steps =
                List.of(
                        new Message.PlanStep("user_id:u2", USER, true),
                        new Message.PlanStep("email:e2", EMAIL, false),
                        new Message.PlanStep("anonymous_id:a1", a1, false),
                        new Message.PlanStep("anonymous_id:a2", a2, false));
        PlanPasses.Outcome outcome =
                PlanPasses.run(
                        steps,
                        Map.of(
                                USER, holding("u2", Map.of("user_id", 1, "device_id", 2), 3),
                                EMAIL, holding(null, Map.of("email", 1), 1),
                                a1, holding(null, Map.of("anonymous_id", 1), 1),
                                a2, holding(null, Map.of("anonymous_id", 1), 1)),
                        RULES);

        assertEquals(List.of(Set.of(USER, EMAIL), Set.of(a1, a2)), outcome.groups());
        assertEquals(
                List.of("anonymous_id:a1", "anonymous_id:a2"),
                outcome.refusals().stream()
                        .map(refused -> PlanPasses.blamed(refused, steps, RULES))
                        .toList());
        assertEquals("size_cap", outcome.refusals().get(0).rule());
    }
}
