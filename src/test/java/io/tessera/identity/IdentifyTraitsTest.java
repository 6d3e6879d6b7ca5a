package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** An identify's traits and a message's consent preferences, read off the message. */
class IdentifyTraitsTest {

    @Test
    void anIdentifysTraitsAreItsTraitsObjectsFieldsAsJson() {
        Map<String, TraitValue> traits =
                IdentifyTraits.of(
                        event(
                                "identify",
                                "{\"context\":{\"traits\":{\"x\":1}},\"traits\":{\"plan\":\"pro\","
                                        + "\"address\":{\"city\":\"Oslo\"},\"seats\":3,"
                                        + "\"plan\":\"team\"},\"properties\":{\"traits\":2}}"));

        assertEquals(
                List.of("address", "plan", "seats"),
                List.copyOf(traits.keySet()),
                "top level only");
        assertEquals("\"team\"", traits.get("plan").json, "a name given twice: its last value");
        assertEquals("{\"city\":\"Oslo\"}", traits.get("address").json);
        assertEquals("3", traits.get("seats").json);
        assertEquals(Map.of(), IdentifyTraits.of(event("track", "{\"traits\":{\"plan\":1}}")));
        assertEquals(Map.of(), IdentifyTraits.of(event("identify", "{\"traits\":[1,2]}")));
    }

    @Test
    void theConsentPreferencesAreReadWhereSegmentPutsThem() {
        TraitValue consent =
                IdentifyTraits.consent(
                        event(
                                "track",
                                "{\"properties\":{\"categoryPreferences\":1},\"context\":"
                                        + "{\"consent\":{\"categoryPreferences\":"
                                        + "{\"Advertising\":true,\"Analytics\":false}}}}"));

        assertEquals("{\"Advertising\":true,\"Analytics\":false}", consent.json);
        assertNull(
                IdentifyTraits.consent(
                        event("track", "{\"properties\":{\"categoryPreferences\":{\"a\":true}}}")));
        assertNull(
                IdentifyTraits.consent(
                        event(
                                "track",
                                "{\"context\":{\"consent\":{\"categoryPreferences\":[]}}}")));
    }

    private static CustomerEvent event(String type, String message) {
        return new CustomerEvent(
                "m1",
                type,
                "track".equals(type) ? "Viewed" : null,
                1_700_000_000_000L,
                List.of(new Identifier("user_id", "u1")),
                null,
                message,
                CustomerEvent.DEFAULT_TENANT);
    }
}
