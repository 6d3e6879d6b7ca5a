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

    /** Replays the file with the counters and returns each request as a line. */
    private static List<String> replay(Path events, Path out) throws Exception {
        ReplayCommand.run(events, out, COUNTERS, List.of(), null, new String[0]);
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
