package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The edge down for as long as it takes, with the job's default retries: no call gives up, the
 * Async I/O capacity fills and holds the job back, checkpoints still complete (a call holding its
 * place past the queue timeout is parked, so the queue keeps moving), and once the edge answers
 * again every profile arrives and the dead-letter topic stays empty.
 */
class ActivationOutageITCase {
    private static final int USERS = 40;
    private static final int ORDERS = 3;

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(240)
    void anEdgeDownLosesNothingAndCheckpointsGoOn(@InjectMiniCluster MiniCluster flink)
            throws Exception {
        try (PersonalizeSimulator simulator =
                PersonalizeSimulator.start(
                        new SimulatorConfig("shop", true, Set.of("cdp_orders"), List.of()), 0)) {
            simulator.faults().unavailableNext(Integer.MAX_VALUE);
            TesseraConfig config =
                    ActivationITCase.config(
                            KAFKA.broker(),
                            simulator,
                            "--cdp.activation.coalesce",
                            "0 ms",
                            // a small window of calls in flight, so the outage holds the job back
                            "--cdp.activation.capacity",
                            "2",
                            "--cdp.activation.queue-timeout",
                            "1 s",
                            "--cdp.activation.backoff.initial",
                            "5 ms",
                            "--cdp.activation.backoff.max",
                            "100 ms");
            LocalKafkaJob.createTopics(KAFKA.broker(), config, 1);
            JobClient job =
                    LocalKafkaJob.build(
                                    config,
                                    1,
                                    Duration.ofHours(1), // checkpoints only when the test asks
                                    false,
                                    null,
                                    Map.of("execution.checkpointing.timeout", "20 s"))
                            .executeAsync("activation-outage");
            try {
                KAFKA.broker().send(config.kafka().eventsTopic(), traffic(config));
                await(() -> answered(simulator, 503) >= 300, "the edge refused 300 calls");
                assertEquals(0, answered(simulator, 204), "nothing got through yet");

                // the capacity is full and the job held back, yet a checkpoint completes
                flink.triggerCheckpoint(job.getJobID()).get(60, TimeUnit.SECONDS);
                assertEquals(0, answered(simulator, 204), "the edge was down throughout");

                simulator.faults().clear();
                await(
                        () -> {
                            for (int user = 0; user < USERS; user++) {
                                var orders = simulator.attributes("u" + user).get("cdp_orders");
                                if (orders == null || orders.asInt() != ORDERS) {
                                    return false;
                                }
                            }
                            return true;
                        },
                        "every user's orders at the edge");
                // dead letters commit with a checkpoint: take one, then there must be none
                flink.triggerCheckpoint(job.getJobID()).get(60, TimeUnit.SECONDS);
                assertEquals(
                        0,
                        KAFKA.broker().readAll(config.kafka().activationDlqTopic()).size(),
                        "no call gave up");
                assertTrue(answered(simulator, 503) >= 300);
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Polls a condition the job makes true, up to two minutes. */
    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached in two minutes: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
    }

    private static List<ProducerRecord<byte[], byte[]>> traffic(TesseraConfig config) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
        for (int user = 0; user < USERS; user++) {
            for (int order = 0; order <= ORDERS; order++) {
                String event =
                        order == 0
                                ? "\"type\":\"identify\""
                                : "\"type\":\"track\",\"event\":\"Order Completed\"";
                String message =
                        "{"
                                + event
                                + ",\"userId\":\"u"
                                + user
                                + "\",\"messageId\":\"m-"
                                + user
                                + "-"
                                + order
                                + "\",\"timestamp\":\""
                                + t0.plusSeconds(user * 10L + order)
                                + "\"}";
                records.add(
                        new ProducerRecord<>(
                                config.kafka().eventsTopic(),
                                ("u" + user).getBytes(StandardCharsets.UTF_8),
                                message.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    private static long answered(PersonalizeSimulator simulator, int status) {
        return simulator.calls().stream().filter(c -> c.status() == status).count();
    }
}
