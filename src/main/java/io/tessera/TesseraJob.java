package io.tessera;

import io.tessera.connect.KafkaConnectors;
import io.tessera.connect.KafkaSettings;
import io.tessera.connect.KafkaTopics;
import io.tessera.identity.IdentityOptions;
import io.tessera.ingest.SegmentMessageParser;
import io.tessera.model.CustomerEvent;
import java.time.Clock;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Tessera, a real-time Customer Data Platform as one Flink job. Submit the shaded jar with {@code
 * flink run tessera.jar --config cdp.yaml} or {@code --cdp.kafka.bootstrap-servers ...}.
 */
public final class TesseraJob {
    /** Checkpoint interval when the cluster configures none: exactly-once sinks need one. */
    static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);

    private TesseraJob() {}

    /** Parses the options, builds the Kafka-to-Kafka topology and runs it. */
    public static void main(String[] args) throws Exception {
        TesseraConfig config = TesseraConfig.from(ConfigArguments.parse(args));
        KafkaTopics.prepare(
                config.kafka(),
                config.identity().mode() == IdentityOptions.IdentityMode.DISTRIBUTED);

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        }

        Topology.build(env, config, kafkaSources(config, false), kafkaSinks(config.kafka(), null));

        env.execute("Tessera");
    }

    /**
     * The job's Kafka sources: events and the control topic.
     *
     * @param bounded whether they stop at the offsets current at start (tests, the demo)
     */
    public static Topology.Sources kafkaSources(TesseraConfig config, boolean bounded) {
        SegmentMessageParser parser = new SegmentMessageParser(config.ingest(), Clock.systemUTC());
        return new Topology.Sources(
                KafkaConnectors.eventsSource(config.kafka(), parser, bounded),
                KafkaConnectors.definitionsSource(config.kafka(), bounded));
    }

    /**
     * The job's exactly-once Kafka sinks.
     *
     * @param acceptedEvents a tap on accepted events (demo and tests), or null
     */
    public static Topology.Sinks kafkaSinks(
            KafkaSettings kafka, Sink<CustomerEvent> acceptedEvents) {
        return new Topology.Sinks(
                KafkaConnectors.deadLetterSink(kafka),
                acceptedEvents,
                KafkaConnectors.profilesSink(kafka),
                KafkaConnectors.mergesSink(kafka),
                KafkaConnectors.rejectedLinksSink(kafka),
                KafkaConnectors.audienceTransitionsSink(kafka),
                KafkaConnectors.sequenceTransitionsSink(kafka),
                KafkaConnectors.rejectedDefinitionsSink(kafka),
                null,
                KafkaConnectors.activationDeadLetterSink(kafka));
    }
}
