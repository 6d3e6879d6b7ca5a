package io.tessera.profileapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the profile API indexes of a profile snapshot of {@code cdp.profiles}: its identifiers (as
 * {@code type:value} keys) and its audiences with the time it entered each.
 *
 * @param identifiers the identifier keys, {@code type:value}
 * @param audiences audience id to the time the profile entered it
 */
record ProfileDocument(Set<String> identifiers, Map<String, String> audiences) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static final ProfileDocument NONE = new ProfileDocument(Set.of(), Map.of());

    /** The identifier key of a type and a (normalised) value. */
    static String identifierKey(String type, String value) {
        return type + ":" + value;
    }

    /**
     * Reads a snapshot.
     *
     * @throws IOException when it is not a JSON object
     */
    static ProfileDocument parse(byte[] snapshot) throws IOException {
        JsonNode root = JSON.readTree(snapshot);
        if (root == null || !root.isObject()) {
            throw new IOException("a profile snapshot must be a JSON object");
        }
        Set<String> identifiers = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> types = root.path("identifiers").fields();
        while (types.hasNext()) {
            Map.Entry<String, JsonNode> type = types.next();
            for (JsonNode value : type.getValue()) {
                identifiers.add(identifierKey(type.getKey(), value.asText()));
            }
        }
        Map<String, String> audiences = new TreeMap<>();
        root.path("audiences")
                .fields()
                .forEachRemaining(a -> audiences.put(a.getKey(), a.getValue().asText()));
        return new ProfileDocument(identifiers, audiences);
    }
}
