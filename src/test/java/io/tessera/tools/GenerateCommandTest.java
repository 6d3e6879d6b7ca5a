package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** {@code ./tessera generate} against a broker that is not there: one clear line, in seconds. */
class GenerateCommandTest {
    @Test
    void anUnreachableBrokerIsNamedWithAHint() {
        IllegalStateException e =
                assertThrows(
                        IllegalStateException.class,
                        () -> GenerateCommand.checkReachable("127.0.0.1:1", "cdp.events"));

        assertEquals(
                "cannot reach Kafka at 127.0.0.1:1 (is the broker running, and"
                        + " --bootstrap-servers right?)",
                e.getMessage());
    }
}
