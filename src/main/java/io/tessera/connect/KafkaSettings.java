package io.tessera.connect;

import io.tessera.config.Checks;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/**
 * Validated Kafka settings (see {@link KafkaOptions}).
 *
 * @param bootstrapServers bootstrap servers
 * @param groupId consumer group
 * @param startingOffsets where a job without state starts
 * @param eventsTopic input topic
 * @param eventsDlqTopic dead-letter topic of the input
 * @param profilesTopic profile snapshots
 * @param profileMergesTopic merges
 * @param rejectedLinksTopic rejected links
 * @param audienceTransitionsTopic audience transitions
 * @param definitionsTopic the control topic of definitions
 * @param rejectedDefinitionsTopic refused control-topic records
 * @param activationDlqTopic Edge API calls that could not be delivered
 * @param identityLoopTopic the distributed identity mode's merge messages
 * @param transactionalIdPrefix prefix of the sinks' transactional ids
 * @param transactionTimeout transaction timeout of the sinks
 * @param createTopics whether the job creates missing topics at start
 * @param clientProperties Kafka client settings passed through
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        KafkaOptions.StartingOffsets startingOffsets,
        String eventsTopic,
        String eventsDlqTopic,
        String profilesTopic,
        String profileMergesTopic,
        String rejectedLinksTopic,
        String audienceTransitionsTopic,
        String definitionsTopic,
        String rejectedDefinitionsTopic,
        String activationDlqTopic,
        String identityLoopTopic,
        String transactionalIdPrefix,
        Duration transactionTimeout,
        boolean createTopics,
        Map<String, String> clientProperties)
        implements Serializable {

    /** Reads and validates the Kafka options. */
    public static KafkaSettings from(Configuration config) {
        Map<String, String> clientProperties = new TreeMap<>();
        config.toMap()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(KafkaOptions.CLIENT_PROPERTIES_PREFIX)) {
                                clientProperties.put(
                                        key.substring(
                                                KafkaOptions.CLIENT_PROPERTIES_PREFIX.length()),
                                        value);
                            }
                        });
        return new KafkaSettings(
                Checks.notBlank(config, KafkaOptions.BOOTSTRAP_SERVERS),
                Checks.notBlank(config, KafkaOptions.GROUP_ID),
                Checks.get(config, KafkaOptions.STARTING_OFFSETS),
                Checks.notBlank(config, KafkaOptions.EVENTS_TOPIC),
                Checks.notBlank(config, KafkaOptions.EVENTS_DLQ_TOPIC),
                Checks.notBlank(config, KafkaOptions.PROFILES_TOPIC),
                Checks.notBlank(config, KafkaOptions.PROFILE_MERGES_TOPIC),
                Checks.notBlank(config, KafkaOptions.REJECTED_LINKS_TOPIC),
                Checks.notBlank(config, KafkaOptions.AUDIENCE_TRANSITIONS_TOPIC),
                Checks.notBlank(config, KafkaOptions.DEFINITIONS_TOPIC),
                Checks.notBlank(config, KafkaOptions.REJECTED_DEFINITIONS_TOPIC),
                Checks.notBlank(config, KafkaOptions.ACTIVATION_DLQ_TOPIC),
                Checks.notBlank(config, KafkaOptions.IDENTITY_LOOP_TOPIC),
                Checks.notBlank(config, KafkaOptions.TRANSACTIONAL_ID_PREFIX),
                Checks.positiveDuration(config, KafkaOptions.TRANSACTION_TIMEOUT),
                config.get(KafkaOptions.CREATE_TOPICS),
                Map.copyOf(clientProperties));
    }
}
