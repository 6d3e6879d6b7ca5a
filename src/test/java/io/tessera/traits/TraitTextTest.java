package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.math.BigInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A trait value's text is the JSON Jackson writes for it, whichever way it is made. */
class TraitTextTest {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    @Property(tries = 3000)
    void isTheJsonJacksonWrites(@ForAll("values") JsonNode value) {
        assertEquals(value.toString(), TraitText.of(value));
    }

    @Provide
    Arbitrary<JsonNode> values() {
        Arbitrary<JsonNode> numbers =
                Arbitraries.oneOf(
                        Arbitraries.longs().map(NODES::numberNode),
                        Arbitraries.integers().map(NODES::numberNode),
                        Arbitraries.doubles().map(NODES::numberNode),
                        Arbitraries.of(
                                        Double.NaN,
                                        Double.POSITIVE_INFINITY,
                                        -0.0,
                                        1e21,
                                        4.852479935564534,
                                        68.0)
                                .map(NODES::numberNode),
                        Arbitraries.floats().map(NODES::numberNode),
                        Arbitraries.bigIntegers()
                                .between(BigInteger.valueOf(-1000), BigInteger.TEN.pow(30))
                                .map(NODES::numberNode),
                        Arbitraries.bigDecimals()
                                .between(BigDecimal.valueOf(-1e6), BigDecimal.valueOf(1e6))
                                .map(NODES::numberNode));
        Arbitrary<JsonNode> texts =
                Arbitraries.oneOf(
                                Arbitraries.strings().ofMaxLength(10),
                                Arbitraries.strings().all().ofMaxLength(6),
                                Arbitraries.of(
                                        "shoes", "", "a\"b", "c\\d", "line\n", "ü€𝄞", "\u007f"))
                        .map(NODES::textNode);
        Arbitrary<JsonNode> others =
                Arbitraries.oneOf(
                        Arbitraries.of(true, false).map(NODES::booleanNode),
                        Arbitraries.just(NODES.nullNode()),
                        Arbitraries.strings()
                                .ofMaxLength(4)
                                .list()
                                .ofMaxSize(3)
                                .map(
                                        list -> {
                                            var array = NODES.arrayNode();
                                            list.forEach(array::add);
                                            return array;
                                        }));
        return Arbitraries.oneOf(numbers, texts, others);
    }
}
