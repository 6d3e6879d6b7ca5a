package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tessera.traits.JsonText;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A trait value goes to Personalize as the scalar Jackson would make of its stored text: a number,
 * boolean, null or string as written, a list as one comma-separated string.
 */
class ActivationScalarTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property
    void everyValueGoesOutAsJacksonMakesIt(@ForAll("values") JsonNode value) {
        assertAsJackson(value);
    }

    /** Numbers of every kind, texts with what Jackson escapes, lists of texts and numbers. */
    @Provide
    Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> numbers =
                Arbitraries.oneOf(
                        Arbitraries.longs().map(NODES::numberNode),
                        Arbitraries.integers().map(NODES::numberNode),
                        Arbitraries.doubles().map(NODES::numberNode),
                        Arbitraries.bigIntegers()
                                .between(BigInteger.TEN.pow(20).negate(), BigInteger.TEN.pow(20))
                                .map(NODES::numberNode));
        Arbitrary<JsonNode> texts =
                Arbitraries.strings()
                        .withCharRange('\u0000', '\u02ff')
                        .withChars('"', '\\', '/', ',', '\u2028')
                        .ofMaxLength(12)
                        .map(NODES::textNode);
        Arbitrary<JsonNode> lists =
                Arbitraries.oneOf(numbers, texts)
                        .list()
                        .ofMaxSize(5)
                        .map(
                                items -> {
                                    var array = NODES.arrayNode();
                                    items.forEach(array::add);
                                    return array;
                                });
        return Arbitraries.oneOf(numbers, texts, lists);
    }

    /** Stored texts at the edges: booleans, null, the numbers Jackson quotes, objects, lists. */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "true",
                "false",
                "null",
                "\"NaN\"",
                "\"Infinity\"",
                "-0.0",
                "1.0E21",
                "\"\"",
                "\"héllo \\\"x\\\"\\n\"",
                "{\"k\":\"v\"}",
                "[\"a\",2,true,null]",
                "[]"
            })
    void theOtherValuesToo(String stored) {
        assertEquals(jackson(stored), ActivationPlanner.scalar(stored), stored);
    }

    /** The stored text (as the profile stage writes it) goes out as Jackson's tree makes it. */
    private static void assertAsJackson(JsonNode value) {
        String stored = JsonText.of(value);
        assertEquals(jackson(stored), ActivationPlanner.scalar(stored), stored);
    }

    /** What every value went through before: parsed to a tree, a list joined, written back. */
    private static String jackson(String json) {
        try {
            JsonNode value = JSON.readTree(json);
            if (value.isArray()) {
                List<String> items = new ArrayList<>();
                value.forEach(
                        item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
                return NODES.textNode(String.join(",", items)).toString();
            }
            if (value.isObject()) {
                return NODES.textNode(value.toString()).toString();
            }
            return value.toString();
        } catch (java.io.IOException e) {
            throw new AssertionError(json, e);
        }
    }
}
