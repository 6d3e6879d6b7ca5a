package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.TesseraConfig;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./tessera demo --events FILE --users 0}, end to end: a file of hostile records through
 * Kafka, the job and the Personalize simulator. The job keeps running; every good event after the
 * bad ones is activated; every bad one is in its dead-letter topic with its reason.
 */
class DemoEventsITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** 300 bytes of UTF-8: over cdp.ingest.max-identifier-bytes (256). */
    private static final String TOO_LONG = "x".repeat(300);

    @Test
    @Timeout(300)
    void hostileRecordsEndInTheirDeadLetterTopicsAndEveryGoodEventAfterThemIsActivated(
            @TempDir Path dir) throws Exception {
        Path file = dir.resolve("hostile.jsonl");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        track("h1", "bad\\u0000id", "Product Viewed", 0),
                        track("h2", "bad\\ud800", "Product Viewed", 1),
                        track("h3", TOO_LONG, "Product Viewed", 2),
                        track("h4", "line\\nbreak", "Product Viewed", 3),
                        "{\"type\":\"track\",\"event\":",
                        track("h5", "\u7528\u6237-1", "Order Completed", 4),
                        "{\"type\":\"identify\",\"userId\":\"good-2\",\"messageId\":\"h6\","
                                + "\"traits\":{\"email\":\"\u00fc@\u4f8b\u3048.jp\"},"
                                + "\"timestamp\":\"2025-05-01T10:05:00Z\"}",
                        track("h7", "good-1", "Viewed \\ud800", 6),
                        track("g1", "good-1", "Order Completed", 7),
                        track("g2", "good-2", "Order Completed", 8),
                        track("g3", "good-3", "Order Completed", 9)),
                StandardCharsets.UTF_8);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                PersonalizeSimulator simulator =
                        PersonalizeSimulator.start(
                                SimulatorConfig.load(Path.of(SimulatorCommand.DEFAULT_CONFIG)),
                                0)) {
            DemoCommand.run(
                    kafka,
                    simulator,
                    DemoCommand.ownRecords(file),
                    0,
                    2,
                    false,
                    new String[0],
                    new PrintStream(printed, true, StandardCharsets.UTF_8));
            TesseraConfig config = LocalKafkaJob.config(kafka);

            List<String> reasons = new ArrayList<>();
            for (JsonNode deadLetter : read(kafka, config.kafka().eventsDlqTopic())) {
                reasons.add(deadLetter.get("reason").asText());
            }
            reasons.sort(null);
            assertEquals(
                    List.of(
                            "malformed_json",
                            "no_identifier",
                            "no_identifier",
                            "no_identifier",
                            "no_identifier"),
                    reasons,
                    printed.toString(StandardCharsets.UTF_8));

            Set<String> unsendable = new TreeSet<>();
            for (JsonNode deadLetter : read(kafka, config.kafka().activationDlqTopic())) {
                assertEquals("unsendable_uid", deadLetter.get("reason").asText());
                unsendable.add(deadLetter.get("userUid").asText());
            }
            assertEquals(Set.of("\u7528\u6237-1"), unsendable);

            Set<String> purchasers = new TreeSet<>();
            for (PersonalizeSimulator.Call call : simulator.calls()) {
                if (call.path().equals("/events") && call.status() == 202) {
                    purchasers.add(call.headers().get("x-cs-personalize-user-uid"));
                }
            }
            assertEquals(Set.of("good-1", "good-2", "good-3"), purchasers);
            assertTrue(
                    printed.toString(StandardCharsets.UTF_8).contains("Summary"),
                    "the demo ran to its end");
        }
    }

    private static String track(String messageId, String userId, String event, int minute) {
        return "{\"type\":\"track\",\"event\":\""
                + event
                + "\",\"userId\":\""
                + userId
                + "\",\"messageId\":\""
                + messageId
                + "\",\"timestamp\":\"2025-05-01T10:"
                + String.format("%02d", minute)
                + ":00Z\"}";
    }

    private static List<JsonNode> read(EmbeddedKafka kafka, String topic) throws Exception {
        List<JsonNode> records = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            records.add(JSON.readTree(record.value()));
        }
        return records;
    }
}
