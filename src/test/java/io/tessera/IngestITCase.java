package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.ingest.CustomerEventJson;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The ingest stage end to end (acceptance.md A7): a real in-process Kafka broker, the Flink
 * MiniCluster at parallelism 2 with RocksDB, the production Kafka source and exactly-once
 * dead-letter sink. Bad records land on the dead-letter topic with their reasons and nothing around
 * them is lost or changed.
 */
class IngestITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENTS = "cdp.events";
    private static final String DLQ = "cdp.events.dlq";
    private static final String ACCEPTED = "it.accepted";

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @BeforeAll
    static void createTopics() throws Exception {
        LocalKafkaJob.createTopics(KAFKA.broker(), LocalKafkaJob.config(KAFKA.broker()), 2);
        KAFKA.broker().createTopics(1, ACCEPTED);
    }

    @Test
    @Timeout(120)
    void routesEveryBadRecordToTheDeadLetterTopicAndLosesNothingElse() throws Exception {
        List<String> valid = validMessages();
        Map<String, String> bad = new TreeMap<>();
        bad.put("malformed_json", "{not json");
        bad.put(
                "too_large",
                "{\"type\":\"page\",\"userId\":\"u-big\",\"timestamp\":"
                        + "\"2025-01-01T10:00:00Z\",\"p\":\""
                        + "x".repeat(40 * 1024)
                        + "\"}");
        bad.put("bad_type", "{\"type\":\"fly\"}");
        bad.put(
                "missing_event",
                "{\"type\":\"track\",\"userId\":\"u-1\","
                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}");
        bad.put(
                "no_identifier",
                "{\"type\":\"page\",\"anonymousId\":\"null\","
                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}");
        bad.put(
                "bad_timestamp",
                "{\"type\":\"page\",\"userId\":\"u-1\","
                        + "\"timestamp\":\"2099-01-01T00:00:00Z\"}");
        StringBuilder tooBig = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 501; i++) {
            tooBig.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"userId\":\"u\"}");
        }
        bad.put("batch_too_large", tooBig.append("]}").toString());

        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        List<String> badInOrder = new ArrayList<>(bad.values());
        for (int i = 0; i < valid.size(); i++) {
            records.add(record(i, valid.get(i)));
            if (i % 3 == 0 && !badInOrder.isEmpty()) {
                records.add(record(i, badInOrder.remove(0)));
            }
        }
        badInOrder.forEach(json -> records.add(record(7, json)));
        records.add(record(1, valid.get(1))); // a redelivered duplicate
        KAFKA.broker().send(EVENTS, records);

        runJob();

        Map<String, String> deadLetters = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(DLQ)) {
            JsonNode deadLetter = JSON.readTree(record.value());
            deadLetters.put(deadLetter.get("reason").asText(), deadLetter.get("raw").asText());
            assertEquals(EVENTS, deadLetter.get("topic").asText());
            assertTrue(deadLetter.get("offset").asLong() >= 0);
        }
        assertEquals(bad, deadLetters, "each bad record once, with its reason, kept whole");

        Map<String, JsonNode> accepted = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(ACCEPTED)) {
            JsonNode event = JSON.readTree(record.value());
            JsonNode previous = accepted.put(event.get("messageId").asText(), event);
            assertEquals(null, previous, "no message twice: " + event);
        }
        assertEquals(expectedAccepted(valid), accepted, "every valid message, as if alone");
    }

    private static void runJob() throws Exception {
        TesseraConfig config =
                LocalKafkaJob.config(KAFKA.broker(), "--cdp.kafka.starting-offsets", "EARLIEST");
        LocalKafkaJob.build(
                        config,
                        2,
                        Duration.ofMillis(300),
                        true,
                        KAFKA.broker().acceptedEventsTap(ACCEPTED, "it-accepted"))
                .execute("ingest-it");
    }

    /** What each valid message yields when parsed alone. */
    private static Map<String, JsonNode> expectedAccepted(List<String> valid) {
        SegmentMessageParser parser =
                new SegmentMessageParser(
                        TesseraConfig.from(
                                        ConfigArguments.parse(
                                                new String[] {
                                                    "--cdp.kafka.bootstrap-servers", "unused:9092"
                                                }))
                                .ingest(),
                        Clock.systemUTC());
        Map<String, JsonNode> expected = new TreeMap<>();
        for (String json : valid) {
            List<IngestRecord> out = new ArrayList<>();
            parser.parse(
                    new io.tessera.ingest.RawRecord(
                            null, json.getBytes(StandardCharsets.UTF_8), EVENTS, 0, 0, null),
                    out::add);
            for (IngestRecord record : out) {
                assertTrue(record.isAccepted(), "fixture is valid: " + json);
                expected.put(record.event().messageId(), CustomerEventJson.toJson(record.event()));
            }
        }
        return expected;
    }

    private static List<String> validMessages() throws IOException {
        List<String> messages = new ArrayList<>();
        messages.add(resource("/segment/analytics-node-batch.json"));
        messages.add(resource("/segment/analytics-java-batch.json"));
        for (int i = 0; i < 40; i++) {
            String user = "u-" + (i % 7);
            messages.add(
                    switch (i % 4) {
                        case 0 ->
                                "{\"type\":\"page\",\"name\":\"Home\",\"anonymousId\":\"a-"
                                        + i
                                        + "\",\"messageId\":\"m-"
                                        + i
                                        + "\",\"timestamp\":\"2025-01-01T10:00:"
                                        + pad(i)
                                        + "Z\"}";
                        case 1 ->
                                "{\"type\":\"track\",\"event\":\"Product Viewed\",\"userId\":\""
                                        + user
                                        + "\",\"messageId\":\"m-"
                                        + i
                                        + "\",\"properties\":{\"product_id\":\"p-"
                                        + i
                                        + "\"},"
                                        + "\"originalTimestamp\":\"2025-01-01T10:01:"
                                        + pad(i)
                                        + "Z\"}";
                        case 2 ->
                                "{\"type\":\"identify\",\"userId\":\""
                                        + user
                                        + "\",\"messageId\":\"m-"
                                        + i
                                        + "\",\"traits\":{\"email\":\""
                                        + user
                                        + "@Shop.io\",\"phone\":\"+1 (415) 555-01"
                                        + pad(i % 60)
                                        + "\"},\"timestamp\":\"2025-01-01T10:02:"
                                        + pad(i)
                                        + "Z\"}";
                        default ->
                                "{\"type\":\"alias\",\"userId\":\""
                                        + user
                                        + "\",\"previousId\":\"a-"
                                        + i
                                        + "\",\"messageId\":\"m-"
                                        + i
                                        + "\",\"timestamp\":\"2025-01-01T10:03:"
                                        + pad(i)
                                        + "Z\"}";
                    });
        }
        return messages;
    }

    private static String pad(int i) {
        return String.format("%02d", i % 60);
    }

    private static ProducerRecord<byte[], byte[]> record(int key, String json) {
        return new ProducerRecord<>(
                EVENTS,
                ("key-" + key).getBytes(StandardCharsets.UTF_8),
                json.getBytes(StandardCharsets.UTF_8));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = IngestITCase.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
