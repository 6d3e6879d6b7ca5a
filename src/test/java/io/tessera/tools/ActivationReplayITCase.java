package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.AcceptanceA6;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The Edge API requests a replay records in {@code activations.jsonl}. */
class ActivationReplayITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path COUNTERS = Path.of("src/test/resources/activation/counters.json");

    @Test
    @Timeout(120)
    void aMergeWithoutPersonalizeUidSendsOnePatchOfTheMergedValuesAsAcceptanceA6(@TempDir Path dir)
            throws Exception {
        Path events = dir.resolve("a6.jsonl");
        Files.write(events, AcceptanceA6.messages());

        List<String> requests = replay(events, dir.resolve("out"));

        assertEquals(
                List.of(
                        // step 3: u1 logs in on P1 (one view so far): the first, full write
                        "PATCH /user-attributes u1 {\"cdp_orders\":0,\"cdp_views\":1}",
                        // step 4: P2 merges into P1; the primary stays u1: one PATCH
                        "PATCH /user-attributes u1 {\"cdp_orders\":1,\"cdp_views\":2}",
                        // step 5: u2's own profile
                        "PATCH /user-attributes u2 {\"cdp_orders\":0,\"cdp_views\":0}"),
                requests);
    }

    @Test
    @Timeout(120)
    void anAnonymousVisitorWithAPersonalizeUidLogsIn(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("login.jsonl");
        Files.write(
                events,
                List.of(
                        "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\"a1\","
                                + "\"context\":{\"personalize\":{\"userUid\":\"cs-7f3a\"}},"
                                + "\"messageId\":\"l-1\",\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                        "{\"type\":\"identify\",\"userId\":\"u1\",\"anonymousId\":\"a1\","
                                + "\"context\":{\"personalize\":{\"userUid\":\"cs-7f3a\"}},"
                                + "\"messageId\":\"l-2\",\"timestamp\":\"2025-01-01T10:05:00Z\"}"));

        List<String> requests = replay(events, dir.resolve("out"));

        assertEquals(
                List.of(
                        "PATCH /user-attributes cs-7f3a {\"cdp_orders\":0,\"cdp_views\":1}",
                        "POST /user-attributes/actions/merge (no user)"
                                + " {\"sourceUserUid\":\"cs-7f3a\",\"targetUserUid\":\"u1\"}",
                        "PATCH /user-attributes u1 {\"cdp_orders\":0,\"cdp_views\":1}"),
                requests);
    }

    @Test
    @Timeout(120)
    void aSequenceMembershipAndAForwardedOrderReachPersonalizeThroughTheProfileView(
            @TempDir Path dir) throws Exception {
        Path definitions = dir.resolve("definitions.json");
        String cartAbandoners =
                Files.readString(Path.of("src/test/resources/acceptance/a2-definitions.json"))
                        .replace(
                                "\"membership\":",
                                "\"activation\":{\"personalizeAttribute\":\"cdp_cart\"},"
                                        + "\"membership\":");
        Files.writeString(
                definitions,
                "["
                        + JSON.readTree(Files.readString(COUNTERS)).get(1)
                        + ","
                        + JSON.readTree(cartAbandoners).get(0)
                        + "]");
        Path events = dir.resolve("cart.jsonl");
        Files.write(
                events,
                List.of(
                        track("Product Added", "c-1", "2025-02-01T10:00:00Z"),
                        track("Product Viewed", "c-2", "2025-02-01T10:05:00Z"),
                        track("Order Completed", "c-3", "2025-02-01T11:00:00Z")));

        List<String> requests =
                replay(
                        events,
                        dir.resolve("out"),
                        definitions,
                        "--cdp.activation.personalize.event-keys",
                        "Order Completed:purchase",
                        "--cdp.activation.coalesce",
                        "0");

        assertEquals(
                1,
                requests.stream().filter(r -> r.contains("\"eventKey\":\"purchase\"")).count(),
                "the order forwarded once: " + requests);
        List<String> cart = new ArrayList<>();
        for (String request : requests) {
            JsonNode body = JSON.readTree(request.substring(request.indexOf('{')));
            if (request.startsWith("PATCH") && body.has("cdp_cart")) {
                cart.add(body.get("cdp_cart").asText());
            }
        }
        assertEquals(
                List.of("false", "true", "false"),
                collapse(cart),
                "out, in the audience (30 minutes after the cart), out at the order: " + requests);
    }

    /** The values without repeats in a row. */
    private static List<String> collapse(List<String> values) {
        List<String> collapsed = new ArrayList<>();
        for (String value : values) {
            if (collapsed.isEmpty() || !collapsed.get(collapsed.size() - 1).equals(value)) {
                collapsed.add(value);
            }
        }
        return collapsed;
    }

    private static String track(String event, String messageId, String at) {
        return JSON.createObjectNode()
                .put("type", "track")
                .put("event", event)
                .put("userId", "u1")
                .put("messageId", messageId)
                .put("timestamp", at)
                .toString();
    }

    /** Replays the file with the counters and returns each request as a line. */
    private static List<String> replay(Path events, Path out) throws Exception {
        return replay(events, out, COUNTERS);
    }

    /** Replays the file with the definitions and options; each request as a line. */
    private static List<String> replay(Path events, Path out, Path definitions, String... options)
            throws Exception {
        ReplayCommand.run(events, out, definitions, List.of(), null, options);
        List<String> requests = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("activations.jsonl"))) {
            JsonNode request = JSON.readTree(line);
            JsonNode headers = request.get("headers");
            assertEquals(ReplayCommand.REPLAY_PROJECT, headers.path("X-Project-Uid").asText());
            requests.add(
                    request.path("method").asText()
                            + " "
                            + request.path("path").asText()
                            + " "
                            + headers.path("X-CS-Personalize-User-Uid").asText("(no user)")
                            + " "
                            + request.get("body"));
        }
        return requests;
    }
}
