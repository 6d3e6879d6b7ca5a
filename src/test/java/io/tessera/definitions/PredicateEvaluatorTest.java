package io.tessera.definitions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PredicateEvaluatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long NOW = Instant.parse("2025-01-20T10:00:00Z").toEpochMilli();
    private static final Map<String, String> FIELDS =
            Map.of(
                    "event.name", "\"Order Completed\"",
                    "event.properties.revenue", "300",
                    "event.properties.price", "\"19.90\"",
                    "event.properties.tags", "[\"sale\",\"new\"]",
                    "event.properties.gift", "true",
                    "traits.last_order_at", "\"2025-01-10T09:30:00Z\"",
                    "profile.plan", "\"pro\"",
                    "profile.nothing", "null");

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(
            delimiter = '|',
            value = {
                "event.name | eq | \"Order Completed\" | true",
                "event.name | neq | \"Order Completed\" | false",
                "event.properties.revenue | eq | 300.0 | true",
                "event.properties.revenue | gt | 299 | true",
                "event.properties.revenue | lte | 299 | false",
                "event.properties.price | lt | 20 | true",
                "event.properties.revenue | between | [100, 300] | true",
                "event.properties.revenue | between | [301, 400] | false",
                "profile.plan | in | [\"pro\", \"team\"] | true",
                "profile.plan | not_in | [\"pro\"] | false",
                "event.properties.tags | contains | \"sale\" | true",
                "event.name | contains | \"Order\" | true",
                "event.name | not_contains | \"Refund\" | true",
                "event.name | starts_with | \"Order\" | true",
                "event.name | ends_with | \"Viewed\" | false",
                "event.name | matches_regex | \"^Order [A-Z][a-z]+$\" | true",
                "event.properties.gift | is_true | | true",
                "event.properties.gift | is_false | | false",
                "profile.plan | exists | | true",
                "traits.last_order_at | within_last | \"P14D\" | true",
                "traits.last_order_at | within_last | \"P7D\" | false",
                "traits.last_order_at | before_last | \"P7D\" | true",
                "traits.last_order_at | after_date | \"2025-01-01\" | true",
                "traits.last_order_at | before_date | \"2025-01-10T09:00:00Z\" | false",
                "profile.missing | eq | 1 | false",
                "profile.missing | neq | 1 | true",
                "profile.missing | not_exists | | true",
                "profile.nothing | exists | | false",
                "profile.missing | not_in | [1] | false",
                "profile.missing | gt | 1 | false",
                "profile.plan | gt | 1 | false",
            })
    void comparesAsTheLanguageSays(String field, String op, String value, boolean expected)
            throws Exception {
        Predicate predicate =
                parse(
                        "{\"field\":\""
                                + field
                                + "\",\"op\":\""
                                + op
                                + "\""
                                + (value == null ? "" : ",\"value\":" + value)
                                + "}");

        assertEquals(
                expected, PredicateEvaluator.test(predicate, PredicateEvaluatorTest::field, NOW));
    }

    @Test
    void combinesWithAllAnyAndNot() throws Exception {
        Predicate predicate =
                parse(
                        """
                        {"all":[{"field":"event.name","op":"eq","value":"Order Completed"},
                                {"any":[{"field":"profile.plan","op":"eq","value":"free"},
                                        {"not":{"field":"event.properties.revenue","op":"lt","value":100}}]}]}
                        """);

        assertTrue(PredicateEvaluator.test(predicate, PredicateEvaluatorTest::field, NOW));
    }

    @Test
    void comparesWithAnEarlierStepsEvent() throws Exception {
        Predicate predicate =
                parse(
                        "{\"field\":\"event.properties.sku\",\"op\":\"eq\",\"ref\":\"step:first.properties.sku\"}",
                        PredicateParser.Scope.step(List.of("first")));
        Map<String, JsonNode> fields =
                Map.of(
                        "event.properties.sku", JSON.getNodeFactory().textNode("x1"),
                        "step:first.properties.sku", JSON.getNodeFactory().textNode("x1"));

        assertTrue(PredicateEvaluator.test(predicate, fields::get, NOW));
    }

    @Test
    void tellsWhenARelativeTimeConditionFlipsRoundedUpToTheMinute() throws Exception {
        Predicate lapsed =
                parse(
                        "{\"field\":\"traits.last_order_at\",\"op\":\"before_last\",\"value\":\"P14D\"}");
        long lastOrder = Instant.parse("2025-01-10T09:30:00Z").toEpochMilli();
        long flip = PredicateEvaluator.nextFlip(lapsed, PredicateEvaluatorTest::field, NOW);

        assertEquals(
                Instant.parse("2025-01-24T09:31:00Z").toEpochMilli(),
                flip,
                "14 days after the order, plus the millisecond that makes it 'before', rounded up");
        assertFalse(PredicateEvaluator.test(lapsed, PredicateEvaluatorTest::field, flip - 60_000));
        assertTrue(PredicateEvaluator.test(lapsed, PredicateEvaluatorTest::field, flip));
        assertTrue(lastOrder < flip);
        assertEquals(
                Long.MAX_VALUE,
                PredicateEvaluator.nextFlip(lapsed, PredicateEvaluatorTest::field, flip),
                "once flipped, it stays");
    }

    private static JsonNode field(String path) {
        String json = FIELDS.get(path);
        try {
            return json == null ? null : JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Predicate parse(String json) throws Exception {
        return parse(json, PredicateParser.Scope.AUDIENCE);
    }

    private static Predicate parse(String json, PredicateParser.Scope scope) throws Exception {
        List<DefinitionProblem> problems = new ArrayList<>();
        Predicate predicate = new PredicateParser(problems).parse(JSON.readTree(json), "$", scope);
        assertEquals(List.of(), problems);
        return predicate;
    }
}
