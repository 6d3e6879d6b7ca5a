package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.sequences.MembershipTimeline.Change;
import io.tessera.sequences.MembershipTimeline.Happening;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MembershipTimelineTest {
    private static final Map<String, Long> TTL = Map.of("cart", 100L, "browse", 10L);

    @Test
    void appliesHappeningsInTimeOrderWhateverOrderTheyCameIn() {
        Map<String, Long> expiries = new HashMap<>();

        List<Change> changes =
                MembershipTimeline.advance(
                        expiries,
                        List.of(new Happening(50, false, "cart"), new Happening(20, true, "cart")),
                        TTL,
                        60);

        assertEquals(
                List.of(
                        new Change("cart", true, "sequence_match", 20),
                        new Change("cart", false, "exit_event", 50)),
                changes);
        assertEquals(Map.of(), expiries);
    }

    @Test
    void anExpiryBeforeAMatchIsAnExitAndAnEntryAtTheirOwnTimes() {
        Map<String, Long> expiries = new HashMap<>(Map.of("browse", 15L, "cart", 500L));

        List<Change> changes =
                MembershipTimeline.advance(
                        expiries,
                        List.of(new Happening(40, true, "browse"), new Happening(45, true, "cart")),
                        TTL,
                        45);

        assertEquals(
                List.of(
                        new Change("browse", false, "ttl", 15),
                        new Change("browse", true, "sequence_match", 40)),
                changes);
        assertEquals(
                Map.of("browse", 50L, "cart", 500L), expiries, "a match extends, not shortens");
    }

    @Test
    void expiresEverythingDueByTheEndInExpiryOrder() {
        Map<String, Long> expiries = new HashMap<>(Map.of("cart", 30L, "browse", 20L));

        assertEquals(
                List.of(
                        new Change("browse", false, "ttl", 20),
                        new Change("cart", false, "ttl", 30)),
                MembershipTimeline.advance(expiries, List.of(), TTL, 30));
        assertEquals(Map.of(), expiries);
    }
}
