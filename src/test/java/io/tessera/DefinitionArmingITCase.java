package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * definitions.md, "Event-time order": an audience published on the control topic arms what it needs
 * on every profile. A visitor idle for ten days when "quiet for 14 days" is published enters it at
 * its flip, four days of event time later, with no event of its own: only another person's events
 * move the watermark on.
 */
class DefinitionArmingITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String QUIET =
            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"quiet_14d\","
                    + "\"version\":1,\"status\":\"active\",\"type\":\"rule\","
                    + "\"name\":\"Quiet for 14 days\",\"condition\":{\"field\":"
                    + "\"profile.last_seen_at\",\"op\":\"before_last\",\"value\":\"P14D\"}}";

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"SINGLE", "DISTRIBUTED"})
    @Timeout(240)
    void anAudiencePublishedOnTheControlTopicEntersAnIdleProfileAtItsFlip(String mode)
            throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config =
                    LocalKafkaJob.config(
                            kafka,
                            "--cdp.kafka.starting-offsets",
                            "EARLIEST",
                            "--cdp.ingest.idleness",
                            "1 s",
                            "--cdp.identity.mode",
                            mode);
            LocalKafkaJob.createTopics(kafka, config, 1);
            JobClient job =
                    LocalKafkaJob.build(config, 2, Duration.ofMillis(300), false, null)
                            .executeAsync("definition-arming-" + mode);
            try {
                send(kafka, config.kafka().eventsTopic(), track("quiet", "2025-06-01T10:00:00Z"));
                send(kafka, config.kafka().eventsTopic(), track("busy", "2025-06-11T10:00:00Z"));
                awaitRecords(kafka, config.kafka().profilesTopic(), 2);
                int snapshots = kafka.readAll(config.kafka().profilesTopic()).size();

                send(kafka, config.kafka().definitionsTopic(), "audience/quiet_14d", QUIET);
                // applied: every profile is evaluated against it, and its snapshot written
                awaitRecords(kafka, config.kafka().profilesTopic(), snapshots + 2);
                send(kafka, config.kafka().eventsTopic(), track("busy", "2025-06-20T10:00:00Z"));

                JsonNode entered = awaitTransition(kafka, config, "quiet_14d");
                assertEquals("Audience Entered", entered.get("event").asText());
                assertEquals("timer", entered.at("/properties/trigger").asText());
                assertEquals("2025-06-15T10:01:00Z", entered.get("timestamp").asText());
                assertEquals(
                        profileOf(kafka, config, "quiet"),
                        entered.get("userId").asText(),
                        "the idle profile, not the one whose events moved time on");
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static String track(String user, String timestamp) {
        return "{\"type\":\"track\",\"event\":\"Page Viewed\",\"userId\":\""
                + user
                + "\",\"messageId\":\""
                + user
                + "@"
                + timestamp
                + "\",\"timestamp\":\""
                + timestamp
                + "\"}";
    }

    private static void send(EmbeddedKafka kafka, String topic, String value) throws Exception {
        send(kafka, topic, "k", value);
    }

    private static void send(EmbeddedKafka kafka, String topic, String key, String value)
            throws Exception {
        kafka.send(
                topic,
                List.of(
                        new ProducerRecord<>(
                                topic,
                                key.getBytes(StandardCharsets.UTF_8),
                                value.getBytes(StandardCharsets.UTF_8))));
    }

    /** Blocks on the broker until the topic holds at least {@code count} committed records. */
    private static void awaitRecords(EmbeddedKafka kafka, String topic, int count) {
        try (KafkaConsumer<byte[], byte[]> reader = kafka.committedReader(topic)) {
            int seen = 0;
            while (seen < count) {
                seen += reader.poll(Duration.ofMillis(500)).count();
            }
        }
    }

    /** The first transition of the audience, read from the broker as it commits. */
    private static JsonNode awaitTransition(
            EmbeddedKafka kafka, TesseraConfig config, String audience) throws Exception {
        try (KafkaConsumer<byte[], byte[]> reader =
                kafka.committedReader(config.kafka().audienceTransitionsTopic())) {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : reader.poll(Duration.ofMillis(500))) {
                    JsonNode transition = JSON.readTree(record.value());
                    if (audience.equals(transition.at("/properties/audience_id").asText())) {
                        return transition;
                    }
                }
            }
        }
    }

    /** The id of the live profile holding the user id. */
    private static String profileOf(EmbeddedKafka kafka, TesseraConfig config, String userId)
            throws Exception {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record :
                kafka.readAll(config.kafka().profilesTopic())) {
            JsonNode profile = record.value() == null ? null : JSON.readTree(record.value());
            if (profile != null
                    && profile.at("/identifiers/user_id")
                            .toString()
                            .contains("\"" + userId + "\"")) {
                ids.add(profile.get("id").asText());
            }
        }
        return ids.get(ids.size() - 1);
    }
}
