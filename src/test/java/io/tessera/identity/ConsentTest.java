package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Consent preferences ride on any message and the latest wins, across merges too. */
class ConsentTest {
    @Test
    void anyMessageTypeMayCarryPreferences() {
        TraitValue preferences =
                IdentifyTraits.consent(
                        event(
                                "page",
                                "m1",
                                5,
                                "{\"context\":{\"consent\":{\"categoryPreferences\":"
                                        + "{\"Personalization\":false,\"Analytics\":true}}}}"));

        assertEquals("{\"Personalization\":false,\"Analytics\":true}", preferences.json);
        assertEquals(5, preferences.eventTime);
        assertNull(IdentifyTraits.consent(event("track", "m2", 6, "{\"properties\":{}}")));
        assertNull(
                IdentifyTraits.consent(
                        event("track", "m3", 7, "{\"context\":{\"categoryPreferences\":1}}")),
                "only the consent object counts");
    }

    @Test
    void theLatestPreferencesWinAlsoWhenProfilesMerge() {
        ProfileState winner = new ProfileState();
        winner.updateConsent(new TraitValue("{\"personalization\":true}", 10, "m10"));
        winner.updateConsent(new TraitValue("{\"personalization\":false}", 5, "m5"));
        assertEquals("{\"personalization\":true}", winner.consent.json, "an older one is ignored");

        ProfileState loser = new ProfileState();
        loser.updateConsent(new TraitValue("{\"personalization\":false}", 20, "m20"));
        winner.absorb(loser);

        assertEquals("{\"personalization\":false}", winner.consent.json);
        assertEquals(winner.consent, winner.copy().consent, "snapshots show them");
    }

    private static CustomerEvent event(String type, String id, long time, String message) {
        return new CustomerEvent(
                id,
                type,
                "track".equals(type) ? "Product Viewed" : null,
                time,
                List.of(new Identifier("anonymous_id", "a1")),
                null,
                message,
                CustomerEvent.DEFAULT_TENANT);
    }
}
