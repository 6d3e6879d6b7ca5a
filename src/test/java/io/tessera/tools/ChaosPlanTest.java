package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosPlanTest {
    private static final ChaosPlan.Lengths LENGTHS =
            new ChaosPlan.Lengths(
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(20),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(20),
                    Duration.ofSeconds(3),
                    Duration.ofSeconds(8));

    @Test
    void theQuickPlanHasOneFaultOfEachKindTheKillInALaneOfItsOwn() {
        ChaosPlan plan = ChaosPlan.oneOfEach(7, LENGTHS, 2);

        EnumSet<ChaosPlan.Kind> kinds = EnumSet.noneOf(ChaosPlan.Kind.class);
        plan.lanes().forEach(lane -> lane.faults().forEach(f -> kinds.add(f.kind())));
        assertEquals(EnumSet.allOf(ChaosPlan.Kind.class), kinds);
        assertEquals(5, plan.size());
        assertEquals(
                List.of(ChaosPlan.Kind.TASKMANAGER_KILLED),
                plan.lane(ChaosPlan.KILL).stream().map(ChaosPlan.Fault::kind).toList());
        assertEquals(2, plan.lane(ChaosPlan.MACHINES).size());
        assertTrue(
                plan.lane(ChaosPlan.EDGE).stream()
                        .allMatch(
                                f ->
                                        f.kind() == ChaosPlan.Kind.EDGE_DOWN
                                                || f.kind() == ChaosPlan.Kind.EDGE_SLOW));
        for (ChaosPlan.Fault fault : plan.lane(ChaosPlan.MACHINES)) {
            assertTrue(fault.taskManager() == 0 || fault.taskManager() == 1);
            assertTrue(fault.pauseBefore().compareTo(Duration.ofSeconds(3)) >= 0);
            assertTrue(fault.pauseBefore().compareTo(Duration.ofSeconds(8)) <= 0);
        }
    }

    @Test
    void theSameSeedGivesTheSamePlanAndAnotherSeedAnotherOrder() {
        assertEquals(ChaosPlan.oneOfEach(3, LENGTHS, 2), ChaosPlan.oneOfEach(3, LENGTHS, 2));
        List<List<ChaosPlan.Kind>> orders = new ArrayList<>();
        for (long seed = 0; seed < 20; seed++) {
            orders.add(
                    ChaosPlan.oneOfEach(seed, LENGTHS, 2).lane(ChaosPlan.MACHINES).stream()
                            .map(ChaosPlan.Fault::kind)
                            .toList());
        }
        assertNotEquals(1, orders.stream().distinct().count(), "the seed draws the order");
    }

    @Test
    void aLongRunRepeatsRoundsUntilItsWindowIsFilled() {
        ChaosPlan plan = ChaosPlan.rounds(1, LENGTHS, 2, Duration.ofMinutes(10));

        List<ChaosPlan.Fault> lane = plan.lane(ChaosPlan.MACHINES);
        assertTrue(lane.size() >= 3 && lane.size() % 3 == 0);
        assertTrue(plan.lane(ChaosPlan.EDGE).size() >= 2);
        assertTrue(plan.lane(ChaosPlan.EDGE).size() % 2 == 0);
        assertTrue(plan.lane(ChaosPlan.KILL).isEmpty(), "a long run kills in the machines' lane");
        Duration machines =
                lane.stream()
                        .map(f -> f.pauseBefore().plus(f.length()))
                        .reduce(Duration.ZERO, Duration::plus);
        assertTrue(machines.compareTo(Duration.ofMinutes(10)) >= 0, machines.toString());
    }
}
