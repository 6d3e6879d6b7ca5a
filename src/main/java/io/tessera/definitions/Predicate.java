package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * A condition of the predicate language shared by trait filters, rule audiences and sequence steps:
 * {@code all}, {@code any}, {@code not}, or a comparison of a field with a value (or with a field
 * of an earlier sequence step's event).
 */
public sealed interface Predicate extends Serializable {

    /** True when every part holds. */
    record All(List<Predicate> parts) implements Predicate {}

    /** True when some part holds. */
    record Any(List<Predicate> parts) implements Predicate {}

    /** True when the part does not hold. */
    record Not(Predicate part) implements Predicate {}

    /**
     * A comparison.
     *
     * @param field the path compared, e.g. {@code event.properties.revenue}
     * @param op the operator
     * @param value the value compared with (null for unary operators and references)
     * @param duration the parsed duration of {@code within_last} / {@code before_last}, else null
     * @param ref {@code step:<name>.<path>}, a field of an earlier step's event, or null
     */
    record Comparison(String field, Op op, JsonNode value, Duration duration, String ref)
            implements Predicate {}
}
