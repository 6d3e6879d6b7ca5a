package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Evaluates predicates over {@link Fields} at a moment of (event) time, and tells when a
 * relative-time comparison will next change its truth, so the caller can arm one timer there. A
 * comparison on a missing value is false, except {@code neq} and {@code not_exists}.
 */
public final class PredicateEvaluator {
    private static final long MINUTE = 60_000L;
    private static final Map<String, Pattern> REGEXES = new ConcurrentHashMap<>();

    private PredicateEvaluator() {}

    /** True when the predicate holds for the fields at time {@code now} (epoch ms). */
    public static boolean test(Predicate predicate, Fields fields, long now) {
        if (predicate instanceof Predicate.All all) {
            return all.parts().stream().allMatch(p -> test(p, fields, now));
        }
        if (predicate instanceof Predicate.Any any) {
            return any.parts().stream().anyMatch(p -> test(p, fields, now));
        }
        if (predicate instanceof Predicate.Not not) {
            return !test(not.part(), fields, now);
        }
        return compare((Predicate.Comparison) predicate, fields, now);
    }

    /**
     * The earliest moment after {@code now} at which a relative-time comparison of the predicate
     * flips, rounded up to the minute; {@code Long.MAX_VALUE} when none will.
     */
    public static long nextFlip(Predicate predicate, Fields fields, long now) {
        if (predicate instanceof Predicate.All all) {
            return earliestFlip(all.parts(), fields, now);
        }
        if (predicate instanceof Predicate.Any any) {
            return earliestFlip(any.parts(), fields, now);
        }
        if (predicate instanceof Predicate.Not not) {
            return nextFlip(not.part(), fields, now);
        }
        return flipOf((Predicate.Comparison) predicate, fields, now);
    }

    private static long earliestFlip(List<Predicate> parts, Fields fields, long now) {
        long earliest = Long.MAX_VALUE;
        for (Predicate part : parts) {
            earliest = Math.min(earliest, nextFlip(part, fields, now));
        }
        return earliest;
    }

    private static long flipOf(Predicate.Comparison c, Fields fields, long now) {
        if (!c.op().isRelativeTime()) {
            return Long.MAX_VALUE;
        }
        Long timestamp = millis(fields.get(c.field()));
        if (timestamp == null) {
            return Long.MAX_VALUE;
        }
        // within_last holds while ts >= t - d, before_last while ts < t - d: both flip at ts + d.
        long flip = timestamp + c.duration().toMillis() + 1;
        if (flip <= now) {
            return Long.MAX_VALUE;
        }
        return -Math.floorDiv(-flip, MINUTE) * MINUTE;
    }

    private static boolean compare(Predicate.Comparison c, Fields fields, long now) {
        JsonNode actual = present(fields.get(c.field()));
        JsonNode expected = c.ref() != null ? present(fields.get(c.ref())) : c.value();
        if (actual == null) {
            return c.op() == Op.NEQ || c.op() == Op.NOT_EXISTS;
        }
        return switch (c.op()) {
            case EXISTS -> true;
            case NOT_EXISTS -> false;
            case IS_TRUE -> actual.isBoolean() && actual.booleanValue();
            case IS_FALSE -> actual.isBoolean() && !actual.booleanValue();
            case EQ -> expected != null && same(actual, expected);
            case NEQ -> expected == null || !same(actual, expected);
            case GT -> ordered(actual, expected) && order(actual, expected) > 0;
            case GTE -> ordered(actual, expected) && order(actual, expected) >= 0;
            case LT -> ordered(actual, expected) && order(actual, expected) < 0;
            case LTE -> ordered(actual, expected) && order(actual, expected) <= 0;
            case BETWEEN -> between(actual, expected);
            case IN -> contains(expected, actual);
            case NOT_IN -> expected != null && expected.isArray() && !contains(expected, actual);
            case CONTAINS -> containsValue(actual, expected);
            case NOT_CONTAINS -> expected != null && !containsValue(actual, expected);
            case STARTS_WITH ->
                    actual.isTextual()
                            && expected != null
                            && actual.asText().startsWith(expected.asText());
            case ENDS_WITH ->
                    actual.isTextual()
                            && expected != null
                            && actual.asText().endsWith(expected.asText());
            case MATCHES_REGEX ->
                    actual.isValueNode()
                            && expected != null
                            && REGEXES.computeIfAbsent(expected.asText(), Pattern::compile)
                                    .matcher(actual.asText())
                                    .find();
            case WITHIN_LAST -> {
                Long ts = millis(actual);
                yield ts != null && ts >= now - c.duration().toMillis();
            }
            case BEFORE_LAST -> {
                Long ts = millis(actual);
                yield ts != null && ts < now - c.duration().toMillis();
            }
            case AFTER_DATE -> {
                Long ts = millis(actual);
                Long date = millis(expected);
                yield ts != null && date != null && ts > date;
            }
            case BEFORE_DATE -> {
                Long ts = millis(actual);
                Long date = millis(expected);
                yield ts != null && date != null && ts < date;
            }
        };
    }

    private static final int NO_ORDER = Integer.MIN_VALUE;

    private static boolean ordered(JsonNode a, JsonNode b) {
        return order(a, b) != NO_ORDER;
    }

    /** Numeric order when both are numbers (or numeric strings), else text order; NO_ORDER. */
    private static int order(JsonNode a, JsonNode b) {
        if (b == null) {
            return NO_ORDER;
        }
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            return Integer.signum(x.compareTo(y));
        }
        if (a.isTextual() && b.isTextual()) {
            return Integer.signum(a.asText().compareTo(b.asText()));
        }
        return NO_ORDER;
    }

    private static boolean same(JsonNode a, JsonNode b) {
        if (a.isNumber() || b.isNumber()) {
            BigDecimal x = number(a);
            BigDecimal y = number(b);
            if (x != null && y != null) {
                return x.compareTo(y) == 0;
            }
        }
        return a.equals(b);
    }

    private static boolean between(JsonNode actual, JsonNode bounds) {
        if (bounds == null || !bounds.isArray() || bounds.size() != 2) {
            return false;
        }
        int low = order(actual, bounds.get(0));
        int high = order(actual, bounds.get(1));
        return low != NO_ORDER && high != NO_ORDER && low >= 0 && high <= 0;
    }

    private static boolean contains(JsonNode list, JsonNode value) {
        if (list == null || !list.isArray()) {
            return false;
        }
        for (JsonNode item : list) {
            if (same(value, item)) {
                return true;
            }
        }
        return false;
    }

    private static boolean containsValue(JsonNode actual, JsonNode expected) {
        if (expected == null) {
            return false;
        }
        if (actual.isArray()) {
            return contains(actual, expected);
        }
        return actual.isTextual() && actual.asText().contains(expected.asText());
    }

    private static JsonNode present(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node;
    }

    private static BigDecimal number(JsonNode node) {
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (!mayBeNumber(text)) {
                return null; // most texts: no exception thrown and caught
            }
            try {
                return new BigDecimal(text);
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    /** Whether a text can be a decimal number: it starts as one does. */
    private static boolean mayBeNumber(String text) {
        if (text.isEmpty()) {
            return false;
        }
        char first = text.charAt(0);
        return (first >= '0' && first <= '9') || first == '-' || first == '+' || first == '.';
    }

    /** A timestamp as epoch ms: an ISO-8601 date-time with offset, or a number of ms. */
    public static Long millis(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            try {
                return OffsetDateTime.parse(node.asText()).toInstant().toEpochMilli();
            } catch (DateTimeParseException notADateTime) {
                try {
                    return Instant.parse(node.asText() + "T00:00:00Z").toEpochMilli();
                } catch (DateTimeParseException notADate) {
                    return null;
                }
            }
        }
        return null;
    }
}
