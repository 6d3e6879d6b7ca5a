package io.tessera;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.config.TesseraConfig;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
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
 * Identity stitching end to end (acceptance.md A6): Segment messages on a real in-process Kafka
 * broker, the job on the MiniCluster at parallelism 2 with RocksDB, and the outcome read back from
 * the compacted profiles topic, the merges topic, the rejected links and the dead letters.
 */
class IdentityITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();
    private static TesseraConfig config;

    @BeforeAll
    static void createTopics() throws Exception {
        config = LocalKafkaJob.config(KAFKA.broker(), "--cdp.kafka.starting-offsets", "EARLIEST");
        LocalKafkaJob.createTopics(KAFKA.broker(), config, 2);
    }

    @Test
    @Timeout(120)
    void stitchesAnonymousBrowsingALoginAndASecondDevice() throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String message : AcceptanceA6.messages()) {
            // One key: one partition, so the broker keeps the acceptance order.
            records.add(
                    new ProducerRecord<>(
                            config.kafka().eventsTopic(),
                            "ann".getBytes(StandardCharsets.UTF_8),
                            message.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.broker().send(config.kafka().eventsTopic(), records);

        LocalKafkaJob.build(config, 2, Duration.ofMillis(300), true, null).execute("identity-it");

        AcceptanceA6.check(
                compacted(config.kafka().profilesTopic()),
                values(config.kafka().profileMergesTopic()),
                values(config.kafka().rejectedLinksTopic()),
                values(config.kafka().eventsDlqTopic()));
    }

    /** What a compacted topic holds: the last value per key, tombstones removing the key. */
    private static Map<String, JsonNode> compacted(String topic) throws Exception {
        Map<String, JsonNode> latest = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(topic)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, JSON.readTree(record.value()));
            }
        }
        return latest;
    }

    private static List<JsonNode> values(String topic) throws Exception {
        List<JsonNode> values = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : KAFKA.broker().readAll(topic)) {
            values.add(JSON.readTree(record.value()));
        }
        return values;
    }
}
