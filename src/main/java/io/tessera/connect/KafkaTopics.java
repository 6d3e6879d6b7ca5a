package io.tessera.connect;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The job's topics as the README's topic table states them (partitions, cleanup policy), and the
 * check made at start: a topic the job reads as compacted must be compacted, else profiles, the
 * alias log and definitions would be deleted by retention; missing topics are created when {@code
 * cdp.kafka.create-topics} is on, else named.
 */
public final class KafkaTopics {
    private static final long TIMEOUT_SECONDS = 30;

    /**
     * One topic.
     *
     * @param name its name
     * @param partitions partitions it is created with
     * @param compacted whether its cleanup policy is compact (else delete, the broker's retention)
     */
    public record Topic(String name, int partitions, boolean compacted) {}

    private KafkaTopics() {}

    /** Every topic of the job, with the loop's only in distributed mode. */
    public static List<Topic> of(KafkaSettings kafka, boolean distributed) {
        List<Topic> topics = new ArrayList<>();
        topics.add(new Topic(kafka.eventsTopic(), 4, false));
        topics.add(new Topic(kafka.eventsDlqTopic(), 1, false));
        topics.add(new Topic(kafka.profilesTopic(), 4, true));
        topics.add(new Topic(kafka.profileMergesTopic(), 1, true));
        topics.add(new Topic(kafka.rejectedLinksTopic(), 1, false));
        topics.add(new Topic(kafka.audienceTransitionsTopic(), 1, false));
        topics.add(new Topic(kafka.definitionsTopic(), 1, true));
        topics.add(new Topic(kafka.rejectedDefinitionsTopic(), 1, false));
        topics.add(new Topic(kafka.activationDlqTopic(), 1, false));
        if (distributed) {
            topics.add(new Topic(kafka.identityLoopTopic(), 4, false));
        }
        return List.copyOf(topics);
    }

    /** The configs a topic is created with. */
    public static Map<String, String> configs(Topic topic) {
        return Map.of(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                topic.compacted()
                        ? TopicConfig.CLEANUP_POLICY_COMPACT
                        : TopicConfig.CLEANUP_POLICY_DELETE);
    }

    /**
     * Checks the topics (creating missing ones when {@code cdp.kafka.create-topics} is on).
     *
     * @throws IllegalStateException naming the topic and the setting when one is missing or a
     *     compacted topic is not compacted
     */
    public static void prepare(KafkaSettings kafka, boolean distributed)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            List<Topic> topics = of(kafka, distributed);
            Set<String> existing =
                    admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(
                            new NewTopic(
                                            topic.name(),
                                            Optional.of(topic.partitions()),
                                            Optional.empty())
                                    .configs(configs(topic)));
                }
            }
            if (!missing.isEmpty() && !kafka.createTopics()) {
                throw new IllegalStateException(
                        "topic "
                                + missing.get(0).name()
                                + " does not exist: create the topics as the README's topic table"
                                + " says, or start with --"
                                + KafkaOptions.CREATE_TOPICS.key()
                                + " true");
            }
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e; // created meanwhile by someone else is fine; anything else is not
                    }
                }
            }
            List<ConfigResource> compacted = new ArrayList<>();
            for (Topic topic : topics) {
                if (topic.compacted()) {
                    compacted.add(new ConfigResource(ConfigResource.Type.TOPIC, topic.name()));
                }
            }
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(compacted).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            for (ConfigResource resource : compacted) {
                String policy =
                        configs.get(resource).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
                if (policy == null || !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
                    throw new IllegalStateException(
                            "topic "
                                    + resource.name()
                                    + " has cleanup.policy="
                                    + policy
                                    + "; it must be compact (kafka-configs.sh --alter --entity-type"
                                    + " topics --entity-name "
                                    + resource.name()
                                    + " --add-config cleanup.policy=compact)");
                }
            }
        }
    }
}
