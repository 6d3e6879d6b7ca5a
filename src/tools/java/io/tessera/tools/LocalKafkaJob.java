package io.tessera.tools;

import io.tessera.ConfigArguments;
import io.tessera.TesseraConfig;
import io.tessera.TesseraJob;
import io.tessera.Topology;
import io.tessera.connect.KafkaTopics;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The production Kafka-to-Kafka job against an {@link EmbeddedKafka}, on a local Flink: how the
 * demo and the integration tests run it.
 */
public final class LocalKafkaJob {
    private LocalKafkaJob() {}

    /** The job's options with the broker's address; {@code args} add or override options. */
    public static TesseraConfig config(EmbeddedKafka kafka, String... args) {
        List<String> all =
                new ArrayList<>(List.of("--cdp.kafka.bootstrap-servers", kafka.bootstrapServers()));
        all.addAll(List.of(args));
        return TesseraConfig.from(ConfigArguments.parse(all.toArray(new String[0])));
    }

    /** Creates every topic the job reads or writes; the input gets {@code eventPartitions}. */
    public static void createTopics(EmbeddedKafka kafka, TesseraConfig config, int eventPartitions)
            throws Exception {
        // as the README's topic table says (compacted or not), at the partitions tests use
        for (KafkaTopics.Topic topic : KafkaTopics.of(config.kafka(), true)) {
            int partitions =
                    topic.name().equals(config.kafka().eventsTopic())
                            ? eventPartitions
                            : topic.name().equals(config.kafka().identityLoopTopic()) ? 2 : 1;
            kafka.createTopics(partitions, KafkaTopics.configs(topic), topic.name());
        }
    }

    /**
     * The job's topology in a local environment (RocksDB, no restarts).
     *
     * @param bounded whether the source stops at the offsets current at start
     * @param acceptedEvents a tap on accepted events, or null
     */
    public static StreamExecutionEnvironment build(
            TesseraConfig config,
            int parallelism,
            Duration checkpointInterval,
            boolean bounded,
            Sink<CustomerEvent> acceptedEvents) {
        return build(config, parallelism, checkpointInterval, bounded, acceptedEvents, Map.of());
    }

    /** The same, with more Flink settings of the job (a checkpoint timeout of a test). */
    public static StreamExecutionEnvironment build(
            TesseraConfig config,
            int parallelism,
            Duration checkpointInterval,
            boolean bounded,
            Sink<CustomerEvent> acceptedEvents,
            Map<String, String> flink) {
        Configuration conf = LocalJobConfig.create(parallelism, checkpointInterval);
        flink.forEach(conf::setString);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
        Topology.build(
                env,
                config,
                TesseraJob.kafkaSources(config, bounded),
                TesseraJob.kafkaSinks(config.kafka(), acceptedEvents));
        return env;
    }
}
