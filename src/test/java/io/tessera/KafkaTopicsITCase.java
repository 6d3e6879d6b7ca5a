package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tessera.connect.KafkaTopics;
import io.tessera.tools.LocalKafkaJob;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The job's topic check at start, on the in-process broker. */
class KafkaTopicsITCase {
    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    void namesAMissingTopicThenCreatesEveryTopicAsTheTableSaysWhenAsked() throws Exception {
        TesseraConfig config = LocalKafkaJob.config(KAFKA.broker());
        IllegalStateException missing =
                assertThrows(
                        IllegalStateException.class,
                        () -> KafkaTopics.prepare(config.kafka(), false));
        assertEquals(
                "topic cdp.events does not exist: create the topics as the README's topic table"
                        + " says, or start with --cdp.kafka.create-topics true",
                missing.getMessage());

        TesseraConfig creating =
                LocalKafkaJob.config(KAFKA.broker(), "--cdp.kafka.create-topics", "true");
        KafkaTopics.prepare(creating.kafka(), true);
        KafkaTopics.prepare(creating.kafka(), true); // again: nothing to create, all as they should

        try (Admin admin = KAFKA.broker().admin()) {
            for (KafkaTopics.Topic topic : KafkaTopics.of(config.kafka(), true)) {
                ConfigResource resource =
                        new ConfigResource(ConfigResource.Type.TOPIC, topic.name());
                String policy =
                        admin.describeConfigs(Set.of(resource))
                                .all()
                                .get()
                                .get(resource)
                                .get("cleanup.policy")
                                .value();
                assertEquals(topic.compacted() ? "compact" : "delete", policy, topic.name());
                assertEquals(
                        topic.partitions(),
                        admin.describeTopics(Set.of(topic.name()))
                                .allTopicNames()
                                .get()
                                .get(topic.name())
                                .partitions()
                                .size(),
                        topic.name());
            }
        }
    }

    @Test
    void refusesACompactedTopicThatIsNotCompacted() throws Exception {
        TesseraConfig config =
                LocalKafkaJob.config(
                        KAFKA.broker(),
                        "--cdp.kafka.topics.profiles",
                        "shop.profiles",
                        "--cdp.kafka.create-topics",
                        "true");
        KAFKA.broker().createTopics(1, Map.of("cleanup.policy", "delete"), "shop.profiles");

        IllegalStateException refused =
                assertThrows(
                        IllegalStateException.class,
                        () -> KafkaTopics.prepare(config.kafka(), false));

        assertEquals(
                "topic shop.profiles has cleanup.policy=delete; it must be compact"
                        + " (kafka-configs.sh --alter --entity-type topics --entity-name"
                        + " shop.profiles --add-config cleanup.policy=compact)",
                refused.getMessage());
    }
}
