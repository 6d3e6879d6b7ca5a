package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/** Equality of JSON values as two runs of the job must reach it. */
final class JsonValues {
    /** How far two decimals may be apart, relative to their size. */
    private static final double RELATIVE_TOLERANCE = 1e-9;

    private JsonValues() {}

    /**
     * Equal JSON, but for the last bits of decimals: a sum of doubles depends on the order of its
     * terms, and profiles merged in another order (a restart, the loop) add in another order.
     */
    static boolean same(JsonNode expected, JsonNode actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected.isNumber() && actual.isNumber()) {
            if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
                return expected.bigIntegerValue().equals(actual.bigIntegerValue());
            }
            double e = expected.doubleValue();
            double a = actual.doubleValue();
            return Math.abs(e - a) <= RELATIVE_TOLERANCE * Math.max(1, Math.abs(e));
        }
        if (expected.isArray() && actual.isArray()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            for (int i = 0; i < expected.size(); i++) {
                if (!same(expected.get(i), actual.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isObject() && actual.isObject()) {
            if (expected.size() != actual.size()) {
                return false;
            }
            Iterator<Map.Entry<String, JsonNode>> fields = expected.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!same(field.getValue(), actual.get(field.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return expected.equals(actual);
    }
}
