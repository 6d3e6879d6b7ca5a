package io.tessera.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.TesseraConfig;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalKafkaJob;
import io.tessera.tools.StandaloneFlinkCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded job jar on a real Flink cluster, the way users run it: {@code flink run} on a
 * standalone session cluster configured by flink-conf/, {@code flink stop --savepointPath}, and
 * {@code flink run -s} from that savepoint, which carries the profiles on; the Prometheus reporter
 * serves the job's metrics.
 */
class ClusterSmokeJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path JAR = Path.of(System.getProperty("tessera.jar", "missing"));
    private static final Pattern JOB_ID = Pattern.compile("JobID ([0-9a-f]{32})");
    private static final Pattern SAVEPOINT = Pattern.compile("Savepoint completed\\. Path: (\\S+)");

    @Test
    @Timeout(600)
    void runsStopsWithASavepointAndResumesFromIt(@TempDir Path home) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start();
                StandaloneFlinkCluster cluster =
                        StandaloneFlinkCluster.start(
                                home, Map.of("execution.checkpointing.interval", "1 s"))) {
            String[] jobArgs = {
                "--cdp.kafka.bootstrap-servers", kafka.bootstrapServers(),
                "--cdp.kafka.starting-offsets", "EARLIEST",
                "--cdp.identity.mode", "distributed",
                "--cdp.ingest.idleness", "1 s",
                "--cdp.profile.definitions",
                        Path.of("examples/definitions.json").toAbsolutePath().toString()
            };
            TesseraConfig config = LocalKafkaJob.config(kafka, jobArgs);
            LocalKafkaJob.createTopics(kafka, config, 2);
            String profiles = config.kafka().profilesTopic();
            String events = config.kafka().eventsTopic();

            send(
                    kafka,
                    events,
                    order("smoke-1", "2026-11-01T10:00:00Z", "smoke-m1"),
                    order("smoke-1", "2026-11-01T11:00:00Z", "smoke-m2"));
            String submitted =
                    cluster.flink(withArgs(List.of("run", "-d", JAR.toString()), jobArgs));
            String jobId = match(JOB_ID, submitted);
            awaitOrders(kafka, profiles, 2, cluster);

            String metrics = taskManagerMetrics(cluster);
            assertTrue(
                    metrics.contains("_ingest_accepted"),
                    "the job's ingest counter on the taskmanager's Prometheus endpoint");
            assertTrue(
                    metrics.contains(
                            "flink_taskmanager_job_task_operator_profile_audienceTransitions"),
                    "profile metrics");

            String stopped =
                    cluster.flink(
                            "stop",
                            "--savepointPath",
                            home.resolve("savepoints").toUri().toString(),
                            jobId);
            String savepoint = match(SAVEPOINT, stopped);
            int before = kafka.readAll(profiles).size();

            send(kafka, events, order("smoke-1", "2026-11-02T10:00:00Z", "smoke-m3"));
            String resumed =
                    cluster.flink(
                            withArgs(
                                    List.of("run", "-d", "-s", savepoint, JAR.toString()),
                                    jobArgs));
            String resumedId = match(JOB_ID, resumed);
            awaitOrders(kafka, profiles, 3, cluster);
            cluster.flink("cancel", resumedId);

            List<ConsumerRecord<byte[], byte[]>> after = kafka.readAll(profiles);
            for (ConsumerRecord<byte[], byte[]> record : after.subList(before, after.size())) {
                JsonNode profile = JSON.readTree(record.value());
                assertEquals(
                        3,
                        profile.at("/computedTraits/orders_90d").asLong(),
                        "after the restore only the new order is counted, on top of the restored"
                                + " two: "
                                + profile);
            }
        }
    }

    private static String[] withArgs(List<String> flinkArgs, String[] jobArgs) {
        List<String> all = new ArrayList<>(flinkArgs);
        all.addAll(List.of(jobArgs));
        return all.toArray(new String[0]);
    }

    private static String match(Pattern pattern, String output) {
        Matcher matcher = pattern.matcher(output);
        output.lines()
                .filter(l -> l.contains("JobID") || l.contains("Savepoint"))
                .forEach(l -> System.out.println("flink> " + l));
        assertTrue(matcher.find(), "no " + pattern + " in:\n" + output);
        return matcher.group(1);
    }

    /** Waits until a committed profile of smoke-1 counts this many orders. */
    private static void awaitOrders(
            EmbeddedKafka kafka, String topic, long orders, StandaloneFlinkCluster cluster)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
                if (JSON.readTree(record.value()).at("/computedTraits/orders_90d").asLong()
                        == orders) {
                    return;
                }
            }
            try (var reader = kafka.committedReader(topic)) {
                reader.poll(Duration.ofMillis(500)); // blocks until a commit or the timeout
            }
        }
        throw new AssertionError(
                "no profile with " + orders + " orders in time:\n" + cluster.logs());
    }

    private static void send(EmbeddedKafka kafka, String topic, String... messages)
            throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String message : messages) {
            records.add(
                    new ProducerRecord<>(
                            topic,
                            "smoke-1".getBytes(StandardCharsets.UTF_8),
                            message.getBytes(StandardCharsets.UTF_8)));
        }
        kafka.send(topic, records);
    }

    private static String order(String user, String time, String id) {
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"userId\":\""
                + user
                + "\",\"messageId\":\""
                + id
                + "\",\"timestamp\":\""
                + time
                + "\",\"properties\":{\"revenue\":100}}";
    }

    /**
     * The taskmanager's Prometheus page. The jobmanager and the taskmanager take the two ports of
     * the reporter's range in the order their reporters start, so either may be the taskmanager's.
     */
    private static String taskManagerMetrics(StandaloneFlinkCluster cluster) throws Exception {
        java.io.IOException refused = null;
        for (int port : List.of(cluster.metricsPort() + 1, cluster.metricsPort())) {
            try {
                String page = StandaloneFlinkCluster.get("http://127.0.0.1:" + port + "/metrics");
                if (page.contains("flink_taskmanager_")) {
                    return page;
                }
            } catch (java.io.IOException e) {
                refused = e;
            }
        }
        throw new AssertionError("no taskmanager Prometheus page on either port", refused);
    }
}
