package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import org.junit.jupiter.api.Test;

/** A trait value's text is the one Jackson writes, whatever the value. */
class JsonTextTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property
    void aLongReadsAsJacksonWritesIt(@ForAll long value) {
        assertSame(NODES.numberNode(value));
        assertSame(NODES.numberNode((int) value));
    }

    @Property
    void aDoubleReadsAsJacksonWritesIt(@ForAll double value) {
        assertSame(NODES.numberNode(value));
    }

    @Property
    void textReadsAsJacksonWritesIt(
            @ForAll @CharRange(from = 0, to = 0x2FF) @Chars({'"', '\\', '/', '\u007f'})
                    String text) {
        assertSame(NODES.textNode(text));
    }

    @Property
    void anArrayReadsAsJacksonWritesIt(
            @ForAll List<@CharRange(from = 0x1f, to = 0x7f) String> texts,
            @ForAll List<Long> numbers) {
        var array = NODES.arrayNode();
        texts.forEach(array::add);
        numbers.forEach(array::add);
        assertSame(array);
        assertSame(NODES.arrayNode().add(NODES.objectNode().put("k", 1)).add("x"));
    }

    @Test
    void theOtherValuesToo() {
        for (JsonNode value :
                List.of(
                        NODES.booleanNode(true),
                        NODES.booleanNode(false),
                        NODES.nullNode(),
                        NODES.numberNode(Double.NaN),
                        NODES.numberNode(Double.NEGATIVE_INFINITY),
                        NODES.numberNode(-0.0),
                        NODES.numberNode(1e21),
                        NODES.numberNode(1.5f),
                        NODES.numberNode(new java.math.BigDecimal("1.50")),
                        NODES.textNode(""),
                        NODES.textNode("héllo \"x\"\n"),
                        NODES.arrayNode().add("a").add(2),
                        NODES.objectNode().put("k", "v"))) {
            assertSame(value);
        }
    }

    private static void assertSame(JsonNode value) {
        assertEquals(value.toString(), JsonText.of(value), value.getNodeType().toString());
    }
}
