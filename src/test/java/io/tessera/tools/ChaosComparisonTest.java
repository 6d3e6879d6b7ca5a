package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChaosComparisonTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theSameOutputsCompareEqualWhateverTheOrderOfFieldsIdentifiersAndLastBits()
            throws Exception {
        ChaosOutputs clean =
                outputs(
                        Map.of(
                                "p1",
                                json(
                                        "{\"id\":\"p1\",\"identifiers\":{\"email\":[\"a@x\",\"b@x\"]},"
                                            + "\"score\":0.30000000000000004}")),
                        Map.of(ChaosOutputs.canonical(json("{\"b\":1,\"a\":2}")), 1L));
        ChaosOutputs faulty =
                outputs(
                        Map.of(
                                "p1",
                                json(
                                        "{\"score\":0.3,\"identifiers\":{\"email\":[\"b@x\",\"a@x\"]},"
                                            + "\"id\":\"p1\"}")),
                        Map.of(ChaosOutputs.canonical(json("{\"a\":2,\"b\":1}")), 1L));

        ChaosComparison comparison = ChaosComparison.of(clean, faulty);

        assertTrue(comparison.same(), comparison.examples().toString());
    }

    @Test
    void countsWhatIsLostDuplicatedDifferentAndDeadLettered() throws Exception {
        String once = ChaosOutputs.canonical(json("{\"event\":\"Audience Entered\",\"t\":1}"));
        String twice = ChaosOutputs.canonical(json("{\"event\":\"Audience Entered\",\"t\":2}"));
        String missing = ChaosOutputs.canonical(json("{\"event\":\"Audience Exited\",\"t\":3}"));
        String strange = ChaosOutputs.canonical(json("{\"event\":\"Audience Exited\",\"t\":4}"));
        ChaosOutputs clean =
                new ChaosOutputs(
                        Map.of(
                                "p1", json("{\"orders\":1}"),
                                "p2", json("{\"orders\":2}"),
                                "p3", json("{\"orders\":3}")),
                        Map.of(),
                        Map.of(once, 1L, twice, 1L, missing, 1L),
                        Map.of("{\"reason\":\"malformed_json\"}", 1L),
                        Map.of(),
                        Map.of("u1", json("{\"plan\":\"gold\"}")));
        ChaosOutputs faulty =
                new ChaosOutputs(
                        Map.of(
                                "p1", json("{\"orders\":1}"),
                                "p2", json("{\"orders\":5}"),
                                "p4", json("{\"orders\":3}")),
                        Map.of(),
                        Map.of(once, 1L, twice, 3L, strange, 1L),
                        Map.of("{\"reason\":\"malformed_json\"}", 1L),
                        Map.of("{\"status\":503}", 2L),
                        Map.of("u1", json("{\"plan\":\"gold\"}")));

        ChaosComparison comparison = ChaosComparison.of(clean, faulty);

        assertEquals(2, comparison.lost(), "profile p3 and one exit");
        assertEquals(2, comparison.duplicated(), "the entry written three times");
        assertEquals(3, comparison.differing(), "p2's orders, the extra p4, the strange exit");
        assertEquals(2, comparison.deadLettersFromFaults());
        assertFalse(comparison.same());
        assertTrue(comparison.examples().stream().anyMatch(e -> e.contains("p3")));
    }

    private static ChaosOutputs outputs(Map<String, JsonNode> profiles, Map<String, Long> merges) {
        return new ChaosOutputs(profiles, merges, Map.of(), Map.of(), Map.of(), Map.of());
    }

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }
}
