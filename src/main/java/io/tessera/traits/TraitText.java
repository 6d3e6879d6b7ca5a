package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A trait value as the JSON text a profile keeps ({@code traitValues}), every trait of the profile
 * on every event. {@link JsonNode#toString} builds a writer and a generator for each value; the
 * values traits have most (finite numbers, booleans, text with nothing to escape) are written
 * directly, with the same text, and the rest through Jackson.
 */
public final class TraitText {
    private TraitText() {}

    public static String of(JsonNode value) {
        if (value.isBoolean() || value.isIntegralNumber()) {
            return value.asText();
        }
        if (value.isFloatingPointNumber() && Double.isFinite(value.doubleValue())) {
            return value.asText();
        }
        if (value.isTextual() && plain(value.textValue())) {
            return '"' + value.textValue() + '"';
        }
        return value.toString();
    }

    /** True when JSON writes the text between quotes as it is: no quote, backslash or control. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
