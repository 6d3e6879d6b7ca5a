package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * A trait value's JSON text, the same as Jackson's {@link JsonNode#toString()}. Every event turns
 * every trait's value into its text for the profile's snapshot; through Jackson each one builds a
 * writer and a generator, which was a seventh of single mode's resolve task in a JFR recording.
 * Numbers, booleans, null and plain ASCII text (no quote, backslash or control character, which
 * Jackson would escape) are written here as Jackson writes them; anything else goes through
 * Jackson.
 */
public final class JsonText {
    private JsonText() {}

    /** The value as JSON text. */
    public static String of(JsonNode value) {
        if (value instanceof LongNode || value instanceof IntNode) {
            return Long.toString(value.longValue());
        }
        if (value instanceof DoubleNode && Double.isFinite(value.doubleValue())) {
            return Double.toString(value.doubleValue()); // (Jackson quotes NaN and infinities)
        }
        if (value instanceof BooleanNode) {
            return value.booleanValue() ? "true" : "false";
        }
        if (value instanceof NullNode) {
            return "null";
        }
        if (value instanceof TextNode text && plain(text.textValue())) {
            return '"' + text.textValue() + '"';
        }
        return value.toString();
    }

    /** Whether Jackson writes the text as it is between quotes. */
    private static boolean plain(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
                return false;
            }
        }
        return true;
    }
}
