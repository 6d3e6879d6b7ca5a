package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The projection streams the message and keeps the same parts as reading it whole and walking each
 * kept path would: every value at the end of a kept path, and an object a path goes through even
 * when the rest of the path is missing.
 */
class SequenceEventProjectionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] NAMES = {"properties", "product_id", "sku", "context", "a"};

    @Property(tries = 1000)
    void keepsWhatWalkingTheWholeMessageKeeps(
            @ForAll("messages") Object message, @ForAll("paths") List<String> read)
            throws Exception {
        SequenceDefinition sequence = sequenceReading(read);
        SequenceEventProjection projection = SequenceEventProjection.of(sequence);
        String text = JSON.writeValueAsString(message);

        String kept =
                projection
                        .project(
                                new ResolvedEvent(
                                        "p",
                                        new CustomerEvent(
                                                "m", "track", "n", 1, List.of(), null, text, null)))
                        .event()
                        .message();

        assertEquals(walked(JSON.readTree(text), projection.paths()), JSON.readTree(kept));
    }

    /** The reference: the message read whole, each kept path walked from its root. */
    private static JsonNode walked(JsonNode whole, List<String> paths) {
        ObjectNode kept = JSON.createObjectNode();
        for (String path : paths) {
            String[] names = path.split("\\.");
            JsonNode node = whole;
            ObjectNode into = kept;
            for (int i = 0; i < names.length && node != null; i++) {
                node = node.get(names[i]);
                if (node == null) {
                    break;
                }
                if (i == names.length - 1) {
                    into.set(names[i], node);
                } else if (node.isObject()) {
                    JsonNode existing = into.get(names[i]);
                    into = existing instanceof ObjectNode o ? o : into.putObject(names[i]);
                } else {
                    break;
                }
            }
        }
        return kept;
    }

    private static SequenceDefinition sequenceReading(List<String> paths) throws Exception {
        List<String> parts = new ArrayList<>();
        for (String path : paths) {
            parts.add("{\"field\":\"event." + path + "\",\"op\":\"exists\"}");
        }
        parts.add("{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"n\"}");
        return SequenceDefinition.of(
                JSON.readTree(
                        "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\"seq_projection\","
                            + "\"version\":1,\"status\":\"active\",\"type\":\"sequence\","
                            + "\"sequence\":{\"steps\":[{\"name\":\"one\",\"match\":{\"all\":"
                                + parts
                                + "}},{\"name\":\"two\",\"match\":{\"field\":\"event.name\","
                                + "\"op\":\"eq\",\"value\":\"n\"}}],\"within\":\"PT1H\"},"
                                + "\"membership\":{\"ttl\":\"P1D\"}}"));
    }

    @Provide
    Arbitrary<List<String>> paths() {
        // a step reads event.properties.* or event.context.*
        Arbitrary<String> path =
                net.jqwik.api.Combinators.combine(
                                Arbitraries.of("properties", "context"),
                                Arbitraries.of(NAMES).list().ofMinSize(1).ofMaxSize(2))
                        .as((root, names) -> root + "." + String.join(".", names));
        return path.list().ofMinSize(1).ofMaxSize(4);
    }

    @Provide
    Arbitrary<Object> messages() {
        return value(3);
    }

    private static Arbitrary<Object> value(int depth) {
        Arbitrary<Object> scalar =
                Arbitraries.oneOf(
                        Arbitraries.strings().alpha().ofMaxLength(5).asGeneric(),
                        Arbitraries.integers().between(-5, 5).asGeneric(),
                        Arbitraries.just(null),
                        Arbitraries.of(true, 1.5).asGeneric());
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<Object> object =
                Arbitraries.maps(Arbitraries.of(NAMES), value(depth - 1))
                        .ofMaxSize(4)
                        .map(map -> (Object) new LinkedHashMap<String, Object>(map));
        Arbitrary<Object> array = value(depth - 1).list().ofMaxSize(2).map(list -> (Object) list);
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, scalar),
                net.jqwik.api.Tuple.of(5, object),
                net.jqwik.api.Tuple.of(1, array));
    }
}
