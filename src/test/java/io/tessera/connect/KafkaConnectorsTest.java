package io.tessera.connect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class KafkaConnectorsTest {

    private static KafkaSettings settings(Map<String, String> options) {
        Configuration config = new Configuration();
        config.setString(KafkaOptions.BOOTSTRAP_SERVERS.key(), "127.0.0.1:9092");
        options.forEach(config::setString);
        return KafkaSettings.from(config);
    }

    @Test
    void exactlyOnceSinksBatchLongerThanKafkasDefault() {
        Properties properties =
                KafkaConnectors.exactlyOnceProducerProperties(
                        settings(Map.of("cdp.kafka.properties.security.protocol", "SASL_SSL")));

        assertEquals("100", properties.getProperty("linger.ms"));
        assertEquals("262144", properties.getProperty("batch.size"));
        assertEquals("SASL_SSL", properties.getProperty("security.protocol"));
    }

    @Test
    void clientPropertiesOverrideTheSinksBatching() {
        Properties properties =
                KafkaConnectors.exactlyOnceProducerProperties(
                        settings(
                                Map.of(
                                        "cdp.kafka.properties.linger.ms", "7",
                                        "cdp.kafka.properties.batch.size", "16384")));

        assertEquals("7", properties.getProperty("linger.ms"));
        assertEquals("16384", properties.getProperty("batch.size"));
    }
}
