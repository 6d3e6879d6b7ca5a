package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.EmbeddedKafkaExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./tessera definitions publish} against the in-process broker. */
class DefinitionsPublishITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOPIC = "cdp.definitions";

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir Path dir;

    @Test
    void publishesEachDefinitionUnderItsKeyDeletesWithATombstoneAndRefusesAnInvalidFile()
            throws Exception {
        KAFKA.broker().createTopics(1, TOPIC);
        Path valid =
                Files.writeString(
                        dir.resolve("definitions.json"),
                        """
                        [{"schema":"cdp.definition/v1","kind":"trait","id":"orders","version":1,
                          "status":"active","type":"event_counter",
                          "source":{"event":{"type":"track","name":"Order Completed"}}},
                         {"schema":"cdp.definition/v1","kind":"audience","id":"buyers",
                          "version":2,"status":"active","type":"rule",
                          "condition":{"field":"traits.orders","op":"gte","value":1}}]
                        """);
        Path misspelled =
                Files.writeString(
                        dir.resolve("misspelled.json"),
                        """
                        {"schema":"cdp.definition/v1","kind":"trait","id":"views","version":1,
                         "status":"active","type":"event_counter","windw":{"kind":"lifetime"},
                         "source":{"event":{"type":"track","name":"Product Viewed"}}}
                        """);
        String servers = KAFKA.broker().bootstrapServers();

        assertEquals(0, run("publish", valid.toString(), "--bootstrap-servers", servers));
        assertEquals(
                0, run("publish", "--delete", "audience/buyers", "--bootstrap-servers", servers));
        ByteArrayOutputStream refused = new ByteArrayOutputStream();
        assertEquals(
                1,
                DefinitionsCommand.main(
                        new String[] {
                            "publish",
                            valid.toString(),
                            misspelled.toString(),
                            "--bootstrap-servers",
                            servers
                        },
                        new PrintStream(refused, true, StandardCharsets.UTF_8)));

        List<ConsumerRecord<byte[], byte[]>> records = KAFKA.broker().readAll(TOPIC);
        assertEquals(3, records.size(), "the refused publication wrote nothing");
        assertEquals("trait/orders", key(records.get(0)));
        assertEquals(JSON.readTree(valid.toFile()).get(0), JSON.readTree(records.get(0).value()));
        assertEquals("audience/buyers", key(records.get(1)));
        assertEquals(2, JSON.readTree(records.get(1).value()).get("version").asInt());
        assertEquals("audience/buyers", key(records.get(2)));
        assertNull(records.get(2).value(), "a tombstone");
        assertTrue(
                refused.toString(StandardCharsets.UTF_8)
                        .contains(
                                misspelled
                                        + ": $.windw: unknown field 'windw' (did you mean"
                                        + " 'window'?)"),
                refused.toString(StandardCharsets.UTF_8));
    }

    @Test
    void anAudienceAlonePublishesWhenItsTraitIsInForceOnTheTopicOrInAnotherFile() throws Exception {
        String topic = "cdp.definitions.alone";
        KAFKA.broker().createTopics(1, topic);
        String servers = KAFKA.broker().bootstrapServers();
        Path trait =
                Files.writeString(
                        dir.resolve("traits.json"),
                        """
                        [{"schema":"cdp.definition/v1","kind":"trait","id":"orders","version":1,
                          "status":"active","type":"event_counter",
                          "source":{"event":{"type":"track","name":"Order Completed"}}}]
                        """);
        Path audience =
                Files.writeString(
                        dir.resolve("buyers.json"),
                        """
                        {"schema":"cdp.definition/v1","kind":"audience","id":"buyers",
                         "version":3,"status":"active","type":"rule",
                         "condition":{"field":"traits.orders","op":"gte","value":2}}
                        """);

        ByteArrayOutputStream alone = new ByteArrayOutputStream();
        assertEquals(1, run(alone, publishTo(servers, topic, audience.toString())));
        assertTrue(
                alone.toString(StandardCharsets.UTF_8).contains("unknown trait 'orders'"),
                alone.toString(StandardCharsets.UTF_8));
        assertEquals(
                0, run("validate", trait.toString(), audience.toString()), "two files, one set");

        assertEquals(0, run(publishTo(servers, topic, trait.toString())));
        assertEquals(
                0,
                run(publishTo(servers, topic, audience.toString())),
                "the trait is in force on the topic");
        assertEquals(0, run(publishTo(servers, topic, "--delete", "trait/orders")));
        assertEquals(
                1,
                run(publishTo(servers, topic, audience.toString())),
                "a deleted trait is not in force");
        assertEquals(3, KAFKA.broker().readAll(topic).size());
    }

    /** {@code publish WHAT... --bootstrap-servers SERVERS --topic TOPIC}. */
    private static String[] publishTo(String servers, String topic, String... what) {
        List<String> args = new java.util.ArrayList<>(List.of("publish"));
        args.addAll(List.of(what));
        args.addAll(List.of("--bootstrap-servers", servers, "--topic", topic));
        return args.toArray(new String[0]);
    }

    private static int run(ByteArrayOutputStream out, String... args) throws Exception {
        return DefinitionsCommand.main(args, new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private static int run(String... args) throws Exception {
        return DefinitionsCommand.main(
                args, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static String key(ConsumerRecord<byte[], byte[]> record) {
        return new String(record.key(), StandardCharsets.UTF_8);
    }
}
