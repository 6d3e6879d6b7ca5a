package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.distributed.ProtocolSimulation.Input;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Quarantine in distributed mode, as in single mode: a refused link is blamed on the weaker
 * identifier of the pair, and after {@code quarantineAfter} rejections that identifier links
 * nothing any more (invariant 5), while still resolving when it is alone on an event.
 */
class QuarantineProtocolTest {
    private static final MergeRules UNIQUE_USER_QUARANTINE_5 =
            new MergeRules(Set.of("user_id"), Map.of("user_id", 1), 10, 30, 5);

    @Test
    void aSharedKioskIsQuarantinedAfterFiveRefusedLinksAndLinksNothingMore() {
        List<Input> logins = new ArrayList<>();
        for (int user = 1; user <= 8; user++) {
            logins.add(
                    new Input(
                            "login" + user,
                            List.of("user_id:u" + user, "device_id:kiosk"),
                            "user_id:u" + user,
                            user * 1_000L,
                            1));
        }
        logins.add(new Input("alone", List.of("device_id:kiosk"), "device_id:kiosk", 9_000, 1));
        for (long seed = 1; seed <= 40; seed++) {
            ProtocolSimulation sim =
                    new ProtocolSimulation(UNIQUE_USER_QUARANTINE_5, seed, seed % 2 == 0);
            sim.runStepByStep(logins);

            assertEquals(
                    5,
                    sim.rejections().size(),
                    "seed " + seed + ": u2..u6 refused, then the kiosk links nothing");
            assertEquals(Map.of("device_id:kiosk", 5), sim.blame(), "seed " + seed);
            List<String> profiles = sim.profilesWithEvents();
            assertEquals(
                    List.of(
                            "[device_id:kiosk, user_id:u1]=[alone, login1]",
                            "[user_id:u2]=[login2]",
                            "[user_id:u3]=[login3]",
                            "[user_id:u4]=[login4]",
                            "[user_id:u5]=[login5]",
                            "[user_id:u6]=[login6]",
                            "[user_id:u7]=[login7]",
                            "[user_id:u8]=[login8]"),
                    profiles,
                    "seed " + seed);
        }
    }
}
