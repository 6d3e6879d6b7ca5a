package io.tessera.connect;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** Kafka connection and topic options, {@code cdp.kafka.*}. */
public final class KafkaOptions {
    /** Prefix of Kafka client settings passed through unchanged (SASL, SSL...). */
    public static final String CLIENT_PROPERTIES_PREFIX = "cdp.kafka.properties.";

    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            key("cdp.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka bootstrap servers, host:port[,host:port...]. Required.");

    public static final ConfigOption<String> GROUP_ID =
            key("cdp.kafka.group-id")
                    .stringType()
                    .defaultValue("tessera")
                    .withDescription(
                            "Consumer group of the job's sources; offsets are committed on"
                                    + " checkpoints, for monitoring only.");

    public static final ConfigOption<StartingOffsets> STARTING_OFFSETS =
            key("cdp.kafka.starting-offsets")
                    .enumType(StartingOffsets.class)
                    .defaultValue(StartingOffsets.COMMITTED)
                    .withDescription(
                            "Where a job without state starts reading: COMMITTED (the group's"
                                    + " offsets, else the earliest), EARLIEST or LATEST. A restore"
                                    + " from a savepoint always resumes from the saved offsets.");

    public static final ConfigOption<String> EVENTS_TOPIC =
            key("cdp.kafka.topics.events")
                    .stringType()
                    .defaultValue("cdp.events")
                    .withDescription("Topic of Segment messages and batch envelopes.");

    public static final ConfigOption<String> EVENTS_DLQ_TOPIC =
            key("cdp.kafka.topics.events-dlq")
                    .stringType()
                    .defaultValue("cdp.events.dlq")
                    .withDescription("Topic of refused input records, with reason and origin.");

    public static final ConfigOption<String> PROFILES_TOPIC =
            key("cdp.kafka.topics.profiles")
                    .stringType()
                    .defaultValue("cdp.profiles")
                    .withDescription(
                            "Compacted topic of profile snapshots, keyed by profile id; a merged"
                                    + " profile gets a tombstone.");

    public static final ConfigOption<String> PROFILE_MERGES_TOPIC =
            key("cdp.kafka.topics.profile-merges")
                    .stringType()
                    .defaultValue("cdp.profile-merges")
                    .withDescription(
                            "Compacted topic of merges (the alias log), keyed by the loser's id.");

    public static final ConfigOption<String> REJECTED_LINKS_TOPIC =
            key("cdp.kafka.topics.rejected-links")
                    .stringType()
                    .defaultValue("cdp.identity.rejected-links")
                    .withDescription(
                            "Audit topic of links the identity rules refused, keyed by profile"
                                    + " id.");

    public static final ConfigOption<String> AUDIENCE_TRANSITIONS_TOPIC =
            key("cdp.kafka.topics.audience-transitions")
                    .stringType()
                    .defaultValue("cdp.audience-transitions")
                    .withDescription(
                            "Topic of Audience Entered / Audience Exited track events, keyed by"
                                    + " profile id.");

    public static final ConfigOption<String> DEFINITIONS_TOPIC =
            key("cdp.kafka.topics.definitions")
                    .stringType()
                    .defaultValue("cdp.definitions")
                    .withDescription(
                            "Compacted control topic of trait and audience definitions, keyed"
                                    + " <kind>/<id>; read from the start at every start.");

    public static final ConfigOption<String> REJECTED_DEFINITIONS_TOPIC =
            key("cdp.kafka.topics.definitions-rejected")
                    .stringType()
                    .defaultValue("cdp.definitions.rejected")
                    .withDescription("Topic of control-topic records refused, with the reason.");

    public static final ConfigOption<String> ACTIVATION_DLQ_TOPIC =
            key("cdp.kafka.topics.activation-dlq")
                    .stringType()
                    .defaultValue("cdp.activation.dlq")
                    .withDescription(
                            "Topic of Edge API calls that could not be delivered, with the last"
                                    + " status and attempts, keyed by profile id.");

    public static final ConfigOption<String> IDENTITY_LOOP_TOPIC =
            key("cdp.kafka.topics.identity-loop")
                    .stringType()
                    .defaultValue("cdp.identity.loop")
                    .withDescription(
                            "Internal topic of the distributed identity mode's merge messages,"
                                    + " written exactly-once and read read_committed; a deployment"
                                    + " started without a savepoint needs it empty.");

    public static final ConfigOption<String> TRANSACTIONAL_ID_PREFIX =
            key("cdp.kafka.transactional-id-prefix")
                    .stringType()
                    .defaultValue("tessera")
                    .withDescription(
                            "Prefix of the exactly-once sinks' transactional ids; unique per job"
                                    + " and never changed, or lingering transactions block"
                                    + " readers.");

    public static final ConfigOption<Duration> TRANSACTION_TIMEOUT =
            key("cdp.kafka.transaction-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(10))
                    .withDescription(
                            "Transaction timeout of the exactly-once sinks: longer than a"
                                    + " checkpoint plus a restart, at most the broker's"
                                    + " transaction.max.timeout.ms (15 min by default).");

    public static final ConfigOption<Boolean> CREATE_TOPICS =
            key("cdp.kafka.create-topics")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "At start, create the topics that do not exist yet, with the"
                                    + " partitions and cleanup policy of the README's topic table"
                                    + " (false: a missing topic stops the start, naming it). Either"
                                    + " way a compacted topic that is not compacted stops it.");

    /** Every Kafka option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    BOOTSTRAP_SERVERS,
                    GROUP_ID,
                    STARTING_OFFSETS,
                    EVENTS_TOPIC,
                    EVENTS_DLQ_TOPIC,
                    PROFILES_TOPIC,
                    PROFILE_MERGES_TOPIC,
                    REJECTED_LINKS_TOPIC,
                    AUDIENCE_TRANSITIONS_TOPIC,
                    DEFINITIONS_TOPIC,
                    REJECTED_DEFINITIONS_TOPIC,
                    ACTIVATION_DLQ_TOPIC,
                    IDENTITY_LOOP_TOPIC,
                    TRANSACTIONAL_ID_PREFIX,
                    TRANSACTION_TIMEOUT,
                    CREATE_TOPICS);

    /** Where a job without state starts reading. */
    public enum StartingOffsets {
        COMMITTED,
        EARLIEST,
        LATEST
    }

    private KafkaOptions() {}
}
