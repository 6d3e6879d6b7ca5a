package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** Events, named instants and default rules for the identity tests. */
final class IdentityFixtures {
    static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");
    static final IdentitySettings SETTINGS = IdentitySettings.from(new Configuration());
    static final IdentityRules RULES = SETTINGS.rules();

    private IdentityFixtures() {}

    /** An event at {@code T0 + minutes} with identifiers given as {@code type:value}. */
    static CustomerEvent event(
            String messageId, int minutes, String type, String event, String... identifiers) {
        return full(messageId, minutes, type, event, null, "{}", identifiers);
    }

    static CustomerEvent full(
            String messageId,
            int minutes,
            String type,
            String event,
            String previousId,
            String json,
            String... identifiers) {
        List<Identifier> ids = new ArrayList<>();
        for (String identifier : identifiers) {
            int colon = identifier.indexOf(':');
            ids.add(
                    new Identifier(
                            identifier.substring(0, colon), identifier.substring(colon + 1)));
        }
        return new CustomerEvent(
                messageId,
                type,
                event,
                T0.plusSeconds(60L * minutes).toEpochMilli(),
                ids,
                previousId,
                json,
                CustomerEvent.DEFAULT_TENANT);
    }

    static CustomerEvent track(String messageId, int minutes, String name, String... identifiers) {
        return event(messageId, minutes, "track", name, identifiers);
    }

    static CustomerEvent identify(
            String messageId, int minutes, String traitsJson, String... identifiers) {
        return full(
                messageId,
                minutes,
                "identify",
                null,
                null,
                "{\"type\":\"identify\",\"traits\":" + traitsJson + "}",
                identifiers);
    }
}
