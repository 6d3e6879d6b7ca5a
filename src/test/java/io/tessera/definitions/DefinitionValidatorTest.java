package io.tessera.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DefinitionValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void acceptsTheBundledExamples() throws Exception {
        JsonNode examples = JSON.readTree(Path.of("examples/definitions.json").toFile());

        assertEquals(List.of(), DefinitionValidator.validate(examples));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "bad id | /id | \"Orders\" | $.id",
                "wrong schema | /schema | \"cdp.definition/v2\" | $.schema",
                "version zero | /version | 0 | $.version",
                "bad status | /status | \"live\" | $.status",
                "unknown trait type | /type | \"median\" | $.type",
                "bad window size | /window/size | \"P1M\" | $.window.size",
                "granularity not dividing | /window/granularity | \"PT7H\" | $.window.granularity",
                "unknown aggregate fn | /aggregate/fn | \"median\" | $.aggregate.fn",
                "bad where field | /source/where |"
                        + " {\"field\":\"event.revenue\",\"op\":\"eq\",\"value\":1} |"
                        + " $.source.where.field",
                "unknown op | /source/where |"
                    + " {\"field\":\"event.name\",\"op\":\"like\",\"value\":1} | $.source.where.op",
                "between not a pair | /source/where |"
                        + " {\"field\":\"event.properties.x\",\"op\":\"between\",\"value\":1} |"
                        + " $.source.where",
                "bad regex | /source/where |"
                        + " {\"field\":\"event.name\",\"op\":\"matches_regex\",\"value\":\"(\"} |"
                        + " $.source.where.value",
                "traits in a trait filter | /source/where |"
                        + " {\"field\":\"traits.x1\",\"op\":\"exists\"} | $.source.where.field",
                "ref outside a sequence | /source/where |"
                        + " {\"field\":\"event.name\",\"op\":\"eq\",\"ref\":\"step:a.name\"} |"
                        + " $.source.where.ref",
            })
    void reportsEachProblemOfATraitWithItsPath(
            String name, String pointer, String value, String path) throws Exception {
        ObjectNode trait =
                (ObjectNode)
                        JSON.readTree(
                                "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"revenue_90d\","
                                    + "\"version\":1,\"status\":\"active\",\"type\":\"aggregation\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Order"
                                    + " Completed\"}},"
                                    + "\"aggregate\":{\"fn\":\"sum\",\"property\":\"event.properties.revenue\"},"
                                    + "\"window\":{\"kind\":\"sliding\",\"size\":\"P90D\",\"granularity\":\"PT1H\"}}");
        assertEquals(List.of(), DefinitionValidator.validateOne(trait), "the base is valid");
        set(trait, pointer, JSON.readTree(value));

        List<DefinitionProblem> problems = DefinitionValidator.validateOne(trait);

        assertTrue(
                problems.stream().anyMatch(p -> p.path().equals(path)),
                name + ": expected a problem at " + path + ", got " + problems);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "first step absent |"
                    + " [{\"name\":\"a\",\"absent\":true,\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"x\"}},{\"name\":\"b\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"y\"}}]"
                    + " | PT1H | $.sequence.steps[0].absent",
                "trailing absent without within |"
                    + " [{\"name\":\"a\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"x\"}},{\"name\":\"b\",\"absent\":true,\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"y\"}}]"
                    + " | | $.sequence.within",
                "duplicate names |"
                    + " [{\"name\":\"a\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"x\"}},{\"name\":\"a\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"y\"}}]"
                    + " | PT1H | $.sequence.steps[1].name",
                "within over seven days |"
                    + " [{\"name\":\"a\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"x\"}}]"
                    + " | P8D | $.sequence.within",
                "ref to a later step |"
                    + " [{\"name\":\"a\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"ref\":\"step:b.name\"}},{\"name\":\"b\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"y\"}}]"
                    + " | PT1H | $.sequence.steps[0].match.ref",
                "bad times |"
                    + " [{\"name\":\"a\",\"times\":{\"min\":3,\"max\":2},\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"x\"}}]"
                    + " | PT1H | $.sequence.steps[0].times.max",
            })
    void reportsEachProblemOfASequenceWithItsPath(
            String name, String steps, String within, String path) throws Exception {
        ObjectNode audience =
                (ObjectNode)
                        JSON.readTree(
                                "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"seq\",\"version\":1,"
                                    + "\"status\":\"active\",\"type\":\"sequence\",\"sequence\":{}}");
        ObjectNode sequence = (ObjectNode) audience.get("sequence");
        sequence.set("steps", JSON.readTree(steps));
        if (within != null) {
            sequence.put("within", within);
        }

        List<DefinitionProblem> problems = DefinitionValidator.validateOne(audience);

        assertTrue(
                problems.stream().anyMatch(p -> p.path().equals(path)),
                name + ": expected a problem at " + path + ", got " + problems);
    }

    @Test
    void refusesAMisspelledFieldWithItsPathAndTheFieldMeant() throws Exception {
        JsonNode file =
                JSON.readTree(
                        """
                        [{"schema":"cdp.definition/v1","kind":"trait","id":"orders_30d",
                          "version":1,"status":"active","type":"event_counter",
                          "source":{"event":{"type":"track","name":"Order Completed"}},
                          "windw":{"kind":"sliding","size":"P30D","granularity":"PT7H"},
                          "activaton":{"personalizeAttribute":"orders"}},
                         {"schema":"cdp.definition/v1","kind":"audience","id":"buyers",
                          "version":1,"status":"active","type":"rule","includeAnonymus":true,
                          "condition":{"all":[{"field":"traits.orders_30d","op":"gte",
                                               "vaule":1}]}},
                         {"schema":"cdp.definition/v1","kind":"trait","id":"views",
                          "version":1,"status":"active","type":"event_counter",
                          "source":{"event":{"type":"track","name":"Product Viewed"}},
                          "window":{"kind":"sliding","size":"P1D","granularity":"PT7H"}}]
                        """);

        List<String> problems =
                DefinitionValidator.validate(file).stream().map(Object::toString).toList();

        assertEquals(
                List.of(
                        "$[0].windw: unknown field 'windw' (did you mean 'window'?)",
                        "$[0].activaton: unknown field 'activaton' (did you mean 'activation'?)",
                        "$[1].includeAnonymus: unknown field 'includeAnonymus' (did you mean"
                                + " 'includeAnonymous'?)",
                        "$[1].condition.all[0].vaule: unknown field 'vaule' (did you mean"
                                + " 'value'?)",
                        "$[1].condition.all[0].value: gte needs a value",
                        "$[2].window.granularity: must divide the window size: PT7H does not"
                                + " divide P1D"),
                problems);
        // the control topic's records are checked one at a time, by the same rules
        assertEquals(
                "$.windw: unknown field 'windw' (did you mean 'window'?)",
                DefinitionValidator.validateOne(file.get(0)).get(0).toString());
    }

    @Test
    void namesTheAllowedTypesAndOperators() throws Exception {
        JsonNode file =
                JSON.readTree(
                        """
                        [{"schema":"cdp.definition/v1","kind":"trait","id":"median_order",
                          "version":1,"status":"active","type":"median"},
                         {"schema":"cdp.definition/v1","kind":"audience","id":"big",
                          "version":1,"status":"active","type":"rule",
                          "condition":{"field":"event.name","op":"like","value":"x"}}]
                        """);

        List<DefinitionProblem> problems = DefinitionValidator.validate(file);

        assertTrue(
                problems.get(0).message().contains("one of: active_days, aggregation,"),
                problems.toString());
        assertTrue(
                problems.get(1).message().contains("one of: eq, neq, gt, gte"),
                problems.toString());
    }

    @Test
    void findsUnknownTraitsDuplicatesAndCyclesAcrossAFile() throws Exception {
        JsonNode file =
                JSON.readTree(
                        """
                        [{"schema":"cdp.definition/v1","kind":"trait","id":"a_x","version":1,"status":"active",
                          "type":"derived","expr":"traits.b_x * 2"},
                         {"schema":"cdp.definition/v1","kind":"trait","id":"b_x","version":1,"status":"active",
                          "type":"derived","expr":"(traits.a_x + 1"},
                         {"schema":"cdp.definition/v1","kind":"trait","id":"c_x","version":1,"status":"active",
                          "type":"derived","expr":"traits.a_x + traits.b_x"},
                         {"schema":"cdp.definition/v1","kind":"trait","id":"c_x","version":2,"status":"active",
                          "type":"derived","expr":"1"},
                         {"schema":"cdp.definition/v1","kind":"audience","id":"aud","version":1,"status":"active",
                          "type":"rule","condition":{"field":"traits.nope","op":"gt","value":1}}]
                        """);

        List<String> problems =
                DefinitionValidator.validate(file).stream()
                        .map(DefinitionProblem::toString)
                        .toList();

        assertEquals(
                List.of(
                        "$[1].expr: unbalanced parentheses",
                        "$[3].id: trait/c_x is defined twice",
                        "$[4].condition: unknown trait 'nope'",
                        "$[0].expr: derived traits form a cycle: a_x -> b_x -> a_x"),
                problems);
    }

    private static void set(ObjectNode root, String pointer, JsonNode value) {
        String parent = pointer.substring(0, pointer.lastIndexOf('/'));
        String field = pointer.substring(pointer.lastIndexOf('/') + 1);
        ((ObjectNode) (parent.isEmpty() ? root : root.at(parent))).set(field, value);
    }
}
