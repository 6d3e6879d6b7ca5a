package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Activation end to end: Segment messages on a real in-process Kafka broker, the job on the
 * MiniCluster at parallelism 2 with RocksDB, and the Personalize simulator on loopback answering
 * 503 for a while, then 429, then recovering; a call the edge refuses lands in {@code
 * cdp.activation.dlq}.
 */
class ActivationITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS = 4;
    private static final int ORDERS = 5;

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @Test
    @Timeout(180)
    void everyActivationArrivesInOrderThroughAnOutageAndARefusalIsADeadLetter() throws Exception {
        try (PersonalizeSimulator simulator =
                PersonalizeSimulator.start(
                        new SimulatorConfig("shop", true, Set.of("cdp_orders"), List.of()), 0)) {
            simulator.faults().unavailableNext(20).tooManyNext(20, 0);
            TesseraConfig config =
                    config(
                            KAFKA.broker(),
                            simulator,
                            "--cdp.activation.personalize.event-keys",
                            "Order Completed:purchase",
                            // each change of a profile its own call: the coupon's refused
                            // PATCH apart from the orders' (and a bounded run ends before a
                            // coalescing timer would fire)
                            "--cdp.profile.coalesce",
                            "0 ms",
                            "--cdp.activation.coalesce",
                            "0 ms",
                            "--cdp.activation.backoff.initial",
                            "5 ms",
                            "--cdp.activation.backoff.max",
                            "50 ms");
            LocalKafkaJob.createTopics(KAFKA.broker(), config, 2);
            KAFKA.broker().send(config.kafka().eventsTopic(), traffic(config));

            LocalKafkaJob.build(config, 2, Duration.ofMillis(300), true, null)
                    .execute("activation-it");

            assertEquals(20, answered(simulator, 503), "the outage happened");
            assertEquals(20, answered(simulator, 429));
            for (int user = 0; user < USERS; user++) {
                String uid = "u" + user;
                List<Integer> orders = deliveredOrders(simulator, uid);
                assertEquals(ORDERS, orders.get(orders.size() - 1), uid + " " + orders);
                for (int i = 1; i < orders.size(); i++) {
                    assertTrue(orders.get(i) > orders.get(i - 1), uid + " in order: " + orders);
                }
                assertEquals(ORDERS, simulator.attributes(uid).get("cdp_orders").asInt());
                assertEquals(
                        List.of("purchase", "purchase", "purchase", "purchase", "purchase"),
                        simulator.events(uid),
                        uid + ": each order forwarded once");
            }

            List<JsonNode> deadLetters = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> record :
                    KAFKA.broker().readAll(config.kafka().activationDlqTopic())) {
                deadLetters.add(JSON.readTree(record.value()));
            }
            assertEquals(1, answered(simulator, 400), "the coupon PATCH was refused");
            assertEquals(1, deadLetters.size(), deadLetters.toString());
            JsonNode deadLetter = deadLetters.get(0);
            assertEquals("u3", deadLetter.path("userUid").asText());
            assertEquals("{\"cdp_coupon\":\"SPRING\"}", deadLetter.path("body").asText());
            assertEquals(400, deadLetter.path("status").asInt());
            assertEquals(1, deadLetter.path("attempts").asInt());
            assertTrue(
                    deadLetter.path("response").asText().contains("unknown attribute cdp_coupon"));
        }
    }

    /**
     * The job's settings for activation tests: the broker from the start of its topics, the
     * activation definitions, the simulator as the edge with project {@code shop}, and more.
     */
    static TesseraConfig config(
            io.tessera.tools.EmbeddedKafka broker, PersonalizeSimulator simulator, String... more) {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--cdp.kafka.starting-offsets",
                                "EARLIEST",
                                "--cdp.profile.definitions",
                                "src/test/resources/activation/definitions.json",
                                "--cdp.activation.personalize.edge-url",
                                simulator.url(),
                                "--cdp.activation.personalize.project-uid",
                                "shop"));
        args.addAll(List.of(more));
        return LocalKafkaJob.config(broker, args.toArray(String[]::new));
    }

    /** Each user logs in and orders five times; u3 applies a coupon the project does not know. */
    private static List<ProducerRecord<byte[], byte[]>> traffic(TesseraConfig config) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Instant t0 = Instant.parse("2025-03-01T10:00:00Z");
        for (int user = 0; user < USERS; user++) {
            List<String> messages = new ArrayList<>();
            messages.add(message("identify", null, user, 0));
            for (int order = 1; order <= ORDERS; order++) {
                if (user == 3 && order == 3) {
                    messages.add(
                            message("track", "Coupon Applied", user, 20)
                                    .replace("}", ",\"properties\":{\"code\":\"SPRING\"}}"));
                }
                messages.add(message("track", "Order Completed", user, order * 60));
            }
            for (String message : messages) {
                records.add(
                        new ProducerRecord<>(
                                config.kafka().eventsTopic(),
                                ("u" + user).getBytes(StandardCharsets.UTF_8),
                                message.replace("T0", t0.toString())
                                        .getBytes(StandardCharsets.UTF_8)));
            }
        }
        return records;
    }

    private static String message(String type, String event, int user, int seconds) {
        String name = event == null ? "" : ",\"event\":\"" + event + "\"";
        return "{\"type\":\""
                + type
                + "\""
                + name
                + ",\"userId\":\"u"
                + user
                + "\",\"messageId\":\"m-"
                + user
                + "-"
                + type
                + "-"
                + seconds
                + "\",\"timestamp\":\""
                + Instant.parse("2025-03-01T10:00:00Z").plusSeconds(seconds)
                + "\"}";
    }

    private static long answered(PersonalizeSimulator simulator, int status) {
        return simulator.calls().stream().filter(c -> c.status() == status).count();
    }

    /** The cdp_orders values of the PATCHes the edge accepted for a user, in arrival order. */
    private static List<Integer> deliveredOrders(PersonalizeSimulator simulator, String uid)
            throws Exception {
        List<Integer> values = new ArrayList<>();
        for (PersonalizeSimulator.Call call : simulator.calls()) {
            if (call.status() == 204
                    && call.method().equals("PATCH")
                    && uid.equals(call.headers().get("x-cs-personalize-user-uid"))) {
                JsonNode orders = JSON.readTree(call.body()).get("cdp_orders");
                if (orders != null) {
                    values.add(orders.asInt());
                }
            }
        }
        return values;
    }
}
