package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tessera.traits.JsonText;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import org.junit.jupiter.api.Test;

/**
 * A trait value goes to Personalize as the scalar Jackson would make of its stored text: a number,
 * boolean, null or string as written, a list as one comma-separated string.
 */
class ActivationScalarTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Property
    void aNumberGoesOutAsJacksonReadsAndWritesIt(@ForAll long whole, @ForAll double real) {
        assertAsJackson(NODES.numberNode(whole));
        assertAsJackson(NODES.numberNode((int) whole));
        assertAsJackson(NODES.numberNode(real));
        assertAsJackson(
                NODES.numberNode(BigInteger.valueOf(whole).multiply(BigInteger.TEN.pow(6))));
    }

    @Property
    void textGoesOutAsJacksonReadsAndWritesIt(
            @ForAll @CharRange(from = 0, to = 0x2FF) @Chars({'"', '\\', '/', ',', '\u2028'})
                    String text) {
        assertAsJackson(NODES.textNode(text));
    }

    @Property
    void aListGoesOutAsOneString(
            @ForAll List<@CharRange(from = 0x1f, to = 0x7f) String> texts,
            @ForAll List<Double> numbers) {
        var array = NODES.arrayNode();
        texts.forEach(array::add);
        numbers.forEach(array::add);
        assertAsJackson(array);
    }

    @Test
    void theOtherValuesToo() {
        for (JsonNode value :
                List.of(
                        NODES.booleanNode(true),
                        NODES.booleanNode(false),
                        NODES.nullNode(),
                        NODES.numberNode(Double.NaN),
                        NODES.numberNode(Double.POSITIVE_INFINITY),
                        NODES.numberNode(-0.0),
                        NODES.numberNode(1e21),
                        NODES.numberNode(1.5f),
                        NODES.textNode(""),
                        NODES.textNode("héllo \"x\"\n"),
                        NODES.objectNode().put("k", "v"))) {
            assertAsJackson(value);
        }
        assertEquals("\"a,2,true\"", ActivationPlanner.scalar("[\"a\",2,true]"));
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
                List<String> items = new java.util.ArrayList<>();
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
