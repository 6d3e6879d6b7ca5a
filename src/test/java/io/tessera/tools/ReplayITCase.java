package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.AcceptanceA6;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./tessera replay} runs the job's topology over a file and writes what it produced. */
class ReplayITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    @Timeout(120)
    void writesAcceptedEventsAndDeadLettersOfAMixedFile(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.jsonl");
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (String line :
                List.of(
                        "{\"type\":\"page\",\"anonymousId\":\"a1\",\"messageId\":\"m1\","
                                + "\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                        "{not json",
                        "{\"type\":\"fly\"}",
                        "{\"type\":\"identify\",\"userId\":\"u1\",\"anonymousId\":\"a1\","
                                + "\"messageId\":\"m2\",\"traits\":{\"email\":\"Ann@Shop.io\"},"
                                + "\"timestamp\":\"2025-01-01T10:01:00Z\"}",
                        "",
                        "{\"type\":\"track\",\"userId\":\"u1\",\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                        "{\"type\":\"track\",\"event\":\"Product"
                                + " Viewed\",\"anonymousId\":\"undefined\","
                                + "\"timestamp\":\"2025-01-01T10:02:00Z\"}",
                        "{\"type\":\"page\",\"userId\":\"u1\",\"timestamp\":\"2099-01-01T00:00:00Z\"}",
                        "{\"type\":\"page\",\"anonymousId\":\"a1\",\"messageId\":\"m1\","
                                + "\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                        "{\"batch\":[{\"type\":\"track\",\"event\":\"Order Completed\","
                                + "\"anonymousId\":\"a2\",\"messageId\":\"m3\","
                                + "\"originalTimestamp\":\"2025-01-01T10:03:00Z\"}],"
                                + "\"context\":{\"traits\":{\"email\":\"ann@shop.io\"}}}")) {
            file.write(line.getBytes(StandardCharsets.UTF_8));
            file.write('\n');
        }
        file.write(new byte[] {'{', (byte) 0xFF, '}', '\n'});
        Files.write(events, file.toByteArray());
        Path out = dir.resolve("out");

        ReplayCommand.Summary summary = ReplayCommand.run(events, out, new String[0]);

        assertEquals(10, summary.records());
        assertEquals(3, summary.accepted());
        assertEquals(1, summary.duplicates());
        assertEquals(
                Map.of(
                        "malformed_json", 2L,
                        "bad_type", 1L,
                        "missing_event", 1L,
                        "no_identifier", 1L,
                        "bad_timestamp", 1L),
                summary.deadLettersByReason());
        List<JsonNode> accepted = read(out.resolve("events.jsonl"));
        assertEquals(
                List.of("m1", "m2", "m3"),
                accepted.stream().map(e -> e.get("messageId").asText()).toList());
        assertEquals(
                JSON.readTree(
                        "{\"messageId\":\"m2\",\"type\":\"identify\",\"event\":null,"
                                + "\"eventTime\":\"2025-01-01T10:01:00Z\",\"identifiers\":"
                                + "{\"user_id\":[\"u1\"],\"email\":[\"ann@shop.io\"],"
                                + "\"anonymous_id\":[\"a1\"]}}"),
                accepted.get(1));
        JsonNode binary = read(out.resolve("dead-letters.jsonl")).get(5);
        assertEquals("base64", binary.get("rawEncoding").asText());
        assertEquals("events.jsonl", binary.get("topic").asText());
        assertEquals(11, binary.get("offset").asLong(), "the line number");
    }

    @Test
    @Timeout(120)
    void stitchesAcceptanceA6(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("a6.jsonl");
        Files.write(events, AcceptanceA6.messages());
        Path out = dir.resolve("out");

        ReplayCommand.Summary summary = ReplayCommand.run(events, out, new String[0]);

        Map<String, JsonNode> profiles = new java.util.TreeMap<>();
        read(out.resolve("profiles.jsonl")).forEach(p -> profiles.put(p.get("id").asText(), p));
        AcceptanceA6.check(
                profiles,
                read(out.resolve("merges.jsonl")),
                read(out.resolve("rejected-links.jsonl")),
                read(out.resolve("dead-letters.jsonl")));
        assertEquals(2, summary.profiles());
        assertEquals(1, summary.merges());
    }

    private static List<JsonNode> read(Path file) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }
}
