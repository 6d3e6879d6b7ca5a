package io.tessera;

import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.test.junit5.MiniClusterExtension;
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
                OutputTopics.compacted(KAFKA.broker(), config.kafka().profilesTopic()),
                OutputTopics.values(KAFKA.broker(), config.kafka().profileMergesTopic()),
                OutputTopics.values(KAFKA.broker(), config.kafka().rejectedLinksTopic()),
                OutputTopics.values(KAFKA.broker(), config.kafka().eventsDlqTopic()));
    }
}
