package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlocklistTest {
    private final Blocklist defaults = Blocklist.defaults();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                " ",
                "null",
                "NULL",
                "undefined",
                "None",
                "nil",
                "NaN",
                "unknown",
                "anonymous",
                "guest",
                "invalid",
                "n/a",
                "-",
                "0",
                "-1",
                "\"null\"",
                "'undefined'",
                "\"'nil'\"",
                "00000000-0000-0000-0000-000000000000",
                "000",
                "0-0"
            })
    void blocksPlaceholderValues(String value) {
        assertTrue(defaults.blocksValue(value), value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"a1", "u-1001", "nullable", "10", "-2", "guest-42"})
    void letsRealValuesThrough(String value) {
        assertFalse(defaults.blocksValue(value), value);
    }

    @Test
    void blocksTestEmailAddressesAndDomains() {
        assertTrue(defaults.blocksEmail("test@test.com"));
        assertTrue(defaults.blocksEmail("ann@example.com"));
        assertTrue(defaults.blocksEmail("bob@test.com"));
        assertFalse(defaults.blocksEmail("ann@shop.io"));
        assertFalse(defaults.blocksEmail("ann@notexample.com"));
    }

    @Test
    void addsConfiguredValuesToTheDefaults() {
        Blocklist custom =
                new Blocklist(List.of("N/A-USER"), List.of("ops@shop.io"), List.of("qa.shop.io"));

        assertTrue(custom.blocksValue("n/a-user"));
        assertTrue(custom.blocksValue("undefined"));
        assertTrue(custom.blocksEmail("ops@shop.io"));
        assertTrue(custom.blocksEmail("x@qa.shop.io"));
    }
}
