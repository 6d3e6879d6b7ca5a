package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.activation.ActivationOptions;
import io.tessera.config.InvalidOptionException;
import io.tessera.connect.KafkaOptions;
import io.tessera.identity.IdentityOptions;
import io.tessera.ingest.IngestOptions;
import io.tessera.profile.ProfileOptions;
import io.tessera.profileapi.ProfileApiOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TesseraConfigTest {
    @Test
    void anUnknownValueOfAChoiceNamesTheChoices() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () ->
                                TesseraConfig.from(
                                        ConfigArguments.parse(
                                                new String[] {
                                                    "--cdp.kafka.bootstrap-servers", "kafka:9092",
                                                    "--cdp.identity.mode", "distrib"
                                                })));

        assertEquals(
                "Invalid option cdp.identity.mode: 'distrib' is not one of single, distributed"
                        + " (any letter case)",
                e.getMessage());
    }

    @Test
    void aMissingConfigFileIsNamed(@TempDir Path dir) {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () ->
                                ConfigArguments.parse(
                                        new String[] {
                                            "--config", dir.resolve("cdp.yaml").toString()
                                        }));

        assertTrue(
                e.getMessage()
                        .startsWith("Invalid option config: cannot read the config file " + dir),
                e.getMessage());
    }

    private static final String[] MINIMAL = {"--cdp.kafka.bootstrap-servers", "broker:9092"};

    @Test
    void runsOnDefaultsWithOnlyTheBootstrapServers() {
        TesseraConfig config = TesseraConfig.from(ConfigArguments.parse(MINIMAL));

        assertEquals("broker:9092", config.kafka().bootstrapServers());
        assertEquals("cdp.events", config.kafka().eventsTopic());
        assertEquals(Duration.ofHours(1), config.ingest().dedupWindow());
        assertEquals(32 * 1024, config.ingest().maxMessageBytes());
    }

    @Test
    void refusesAMissingBootstrapServerNamingTheOption() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () -> TesseraConfig.from(ConfigArguments.parse(new String[0])));
        assertTrue(e.getMessage().contains("cdp.kafka.bootstrap-servers"), e.getMessage());
    }

    @Test
    void refusesAnUnparseableValueNamingTheOption() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () -> TesseraConfig.from(withArgs("--cdp.ingest.dedup-window", "an hour")));
        assertTrue(e.getMessage().contains("cdp.ingest.dedup-window"), e.getMessage());
    }

    @Test
    void refusesOutOfRangeValuesNamingTheOption() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () -> TesseraConfig.from(withArgs("--cdp.ingest.max-message-bytes", "-5")));
        assertEquals(
                "Invalid option cdp.ingest.max-message-bytes: must be positive, got -5",
                e.getMessage());
        assertThrows(
                InvalidOptionException.class,
                () -> TesseraConfig.from(withArgs("--cdp.ingest.default-phone-region", "XX")));
    }

    @Test
    void refusesAnUnknownCdpOptionAsATypo() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () -> TesseraConfig.from(withArgs("--cdp.ingest.dedup-windwo", "1 h")));
        assertTrue(e.getMessage().contains("cdp.ingest.dedup-windwo"), e.getMessage());
    }

    @Test
    void refusesAnArgumentThatIsNoOption() {
        InvalidOptionException e =
                assertThrows(
                        InvalidOptionException.class,
                        () -> ConfigArguments.parse(new String[] {"--bootstrap", "x:1"}));
        assertTrue(e.getMessage().contains("--bootstrap"), e.getMessage());
    }

    @Test
    void passesKafkaClientPropertiesThrough() {
        TesseraConfig config =
                TesseraConfig.from(
                        withArgs("--cdp.kafka.properties.security.protocol", "SASL_SSL"));

        assertEquals(Map.of("security.protocol", "SASL_SSL"), config.kafka().clientProperties());
    }

    @Test
    void readsANestedYamlFileAndLetsArgumentsWin(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("cdp.yaml");
        Files.writeString(
                file,
                String.join(
                        "\n",
                        "cdp:",
                        "  kafka:",
                        "    bootstrap-servers: kafka:9092",
                        "    topics.events: site.events",
                        "  ingest:",
                        "    dedup-window: 24 h",
                        "    blocked-values: [n/a-user, 'tbd']",
                        ""));

        TesseraConfig config =
                TesseraConfig.from(
                        ConfigArguments.parse(
                                new String[] {
                                    "--config", file.toString(), "--cdp.ingest.dedup-window", "2 h"
                                }));

        assertEquals("kafka:9092", config.kafka().bootstrapServers());
        assertEquals("site.events", config.kafka().eventsTopic());
        assertEquals(Duration.ofHours(2), config.ingest().dedupWindow());
        assertTrue(config.ingest().blocklist().blocksValue("TBD"));
    }

    @Test
    void describesEveryOption() {
        TesseraConfig.allOptions()
                .forEach(
                        option -> {
                            assertTrue(option.key().startsWith("cdp."), option.key());
                            assertTrue(
                                    option.hasDefaultValue()
                                            || option == KafkaOptions.BOOTSTRAP_SERVERS
                                            || option == IngestOptions.TENANT_FIELD
                                            || option == ProfileOptions.DEFINITIONS
                                            || option == ActivationOptions.PROJECT_UID
                                            || option == ActivationOptions.AUTHORIZATION
                                            || option == IdentityOptions.LOOP_ALLOWANCE
                                            || option == ActivationOptions.RETRY_BUDGET
                                            || option == ProfileApiOptions.TOKEN,
                                    option.key() + " has a default or is optional by design");
                            assertTrue(
                                    !new org.apache.flink.configuration.description.HtmlFormatter()
                                            .format(option.description())
                                            .isBlank(),
                                    option.key());
                        });
    }

    private static org.apache.flink.configuration.Configuration withArgs(String key, String value) {
        return ConfigArguments.parse(new String[] {MINIMAL[0], MINIMAL[1], key, value});
    }
}
