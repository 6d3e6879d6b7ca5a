package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * acceptance.md A6 (anonymous browsing, login, second device), as input and as the outcome every
 * run of it must show, whatever carried it (replay files or Kafka topics).
 */
public final class AcceptanceA6 {
    private static final ObjectMapper JSON = new ObjectMapper();

    private AcceptanceA6() {}

    /** The seven Segment messages of A6, one per line. */
    public static List<String> messages() throws IOException {
        try (InputStream in = AcceptanceA6.class.getResourceAsStream("/acceptance/a6.jsonl")) {
            return List.of(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"));
        }
    }

    /**
     * Checks a run's outputs.
     *
     * @param profiles the live profiles at the end, by id
     * @param merges every merge
     * @param rejectedLinks every rejected link
     * @param deadLetters every dead letter
     */
    public static void check(
            Map<String, JsonNode> profiles,
            List<JsonNode> merges,
            List<JsonNode> rejectedLinks,
            List<JsonNode> deadLetters) {
        assertEquals(2, profiles.size(), "P1 and u2's own profile: " + profiles.keySet());
        JsonNode p1 = profileWith(profiles, "user_id", "u1");
        assertEquals(
                JSON.createObjectNode()
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                "anonymous_id", JSON.createArrayNode().add("a1").add("a2"))
                        .<com.fasterxml.jackson.databind.node.ObjectNode>set(
                                "email", JSON.createArrayNode().add("ann@shop.io"))
                        .set("user_id", JSON.createArrayNode().add("u1")),
                p1.get("identifiers"));
        assertEquals(1, p1.at("/countsByType/page").asLong(), "the page, once");
        assertEquals(3, p1.at("/countsByType/track").asLong(), "two views and the order, once");
        assertEquals(1, p1.at("/countsByType/identify").asLong());
        JsonNode p3 = profileWith(profiles, "user_id", "u2");
        assertNotEquals(p1.get("id"), p3.get("id"));
        assertEquals(1, p3.get("identifiers").size(), "u2 alone: " + p3.get("identifiers"));

        assertEquals(1, merges.size(), merges.toString());
        assertEquals(p1.get("id").asText(), merges.get(0).get("winner").asText());
        assertEquals("2025-01-01T10:04:00Z", merges.get(0).get("at").asText());

        assertEquals(1, rejectedLinks.size(), rejectedLinks.toString());
        JsonNode rejected = rejectedLinks.get(0);
        assertEquals("unique", rejected.get("rule").asText());
        assertEquals("u2", rejected.at("/identifier/value").asText());
        assertEquals(p1.get("id").asText(), rejected.get("profileId").asText());

        assertEquals(1, deadLetters.size(), deadLetters.toString());
        assertEquals("no_identifier", deadLetters.get(0).get("reason").asText());
    }

    private static JsonNode profileWith(Map<String, JsonNode> profiles, String type, String value) {
        return profiles.values().stream()
                .filter(p -> p.at("/identifiers/" + type).toString().contains("\"" + value + "\""))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no profile with " + type + " " + value));
    }
}
