package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * Numbers, booleans, null, plain ASCII text (no quote, backslash or control character, which
 * Jackson would escape) and arrays of these (unique lists) are written here as Jackson writes them;
 * anything else goes through Jackson.
 */
public final class JsonText {
    private JsonText() {}

    /** The value as JSON text. */
    public static String of(JsonNode value) {
        String simple = simple(value);
        if (simple != null) {
            return simple;
        }
        if (value instanceof ArrayNode array) {
            StringBuilder text = new StringBuilder(16 * array.size() + 2).append('[');
            for (int i = 0; i < array.size(); i++) {
                String element = simple(array.get(i));
                if (element == null) {
                    return value.toString();
                }
                text.append(i == 0 ? "" : ",").append(element);
            }
            return text.append(']').toString();
        }
        return value.toString();
    }

    /** The text of a number, boolean, null or plain text; null for any other value. */
    private static String simple(JsonNode value) {
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
        return null;
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
