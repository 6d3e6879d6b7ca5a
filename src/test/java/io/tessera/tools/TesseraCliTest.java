package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher's handling of what the person typed. */
class TesseraCliTest {
    private static final Path CALLER = Path.of("/home/ann/shop");

    @Test
    void pathsAreTakenFromWhereTheLauncherWasCalled() {
        assertArrayEquals(
                new String[] {
                    "--events", "/home/ann/shop/in/events.jsonl",
                    "--out", "/tmp/out",
                    "--config", "/home/ann/cdp.yaml",
                    "--users", "10"
                },
                TesseraCli.fromCaller(
                        "replay",
                        new String[] {
                            "--events", "in/events.jsonl",
                            "--out", "/tmp/out",
                            "--config", "../cdp.yaml",
                            "--users", "10"
                        },
                        CALLER));
        assertArrayEquals(
                new String[] {
                    "publish",
                    "/home/ann/shop/a.json",
                    "/home/ann/shop/b.yaml",
                    "--bootstrap-servers",
                    "kafka:9092"
                },
                TesseraCli.fromCaller(
                        "definitions",
                        new String[] {
                            "publish", "a.json", "b.yaml", "--bootstrap-servers", "kafka:9092"
                        },
                        CALLER));
        assertArrayEquals(
                new String[] {"publish", "--delete", "audience/buyers"},
                TesseraCli.fromCaller(
                        "definitions",
                        new String[] {"publish", "--delete", "audience/buyers"},
                        CALLER));
    }

    @Test
    void aBenchsEventCountIsNotAPath() {
        assertArrayEquals(
                new String[] {"--events", "2000", "--definitions", "/home/ann/shop/d.json"},
                TesseraCli.fromCaller(
                        "bench",
                        new String[] {"--events", "2000", "--definitions", "d.json"},
                        CALLER));
        assertArrayEquals(
                new String[] {"identity", "--events", "5000"},
                TesseraCli.fromCaller(
                        "bench", new String[] {"identity", "--events", "5000"}, CALLER));
    }

    @Test
    void optionDescriptionsArePlainText() {
        assertEquals(
                "keyed <kind>/<id> & read \"from the start\"",
                TesseraCli.plain(
                        "keyed &lt;kind&gt;/&lt;id&gt; &amp; read &quot;from the start&quot;"));
    }

    @Test
    void aFailureIsOneLineOfItsCauses() {
        IOException e =
                new IOException(
                        "cannot read the definitions",
                        new NoSuchFileException("/home/ann/shop/a.json"));

        assertEquals("cannot read the definitions: /home/ann/shop/a.json", TesseraCli.causes(e));
    }
}
