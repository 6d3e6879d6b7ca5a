package io.tessera;

import io.tessera.tools.EmbeddedKafka;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link EmbeddedKafka} broker per test class: started before the class's own
 * {@code @BeforeAll} methods run and closed after the class's tests. Register it as a static
 * {@code @RegisterExtension} field.
 */
public final class EmbeddedKafkaExtension implements BeforeAllCallback, AfterAllCallback {
    private EmbeddedKafka broker;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        broker = EmbeddedKafka.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        broker.close();
        broker = null;
    }

    public EmbeddedKafka broker() {
        if (broker == null) {
            throw new IllegalStateException("the Kafka broker runs only while the test class runs");
        }
        return broker;
    }
}
