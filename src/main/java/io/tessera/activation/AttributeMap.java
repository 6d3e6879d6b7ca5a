package io.tessera.activation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which Personalize attribute each trait value and audience membership is activated as: the {@code
 * activation.personalizeAttribute} of the definitions.
 *
 * @param traits trait id to attribute
 * @param audiences audience id (rule or sequence) to attribute
 */
public record AttributeMap(Map<String, String> traits, Map<String, String> audiences)
        implements Serializable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The attributes named by definitions given as JSON (the bootstrap file's). */
    public static AttributeMap of(List<String> definitions) {
        Map<String, String> traits = new TreeMap<>();
        Map<String, String> audiences = new TreeMap<>();
        for (String json : definitions) {
            JsonNode definition;
            try {
                definition = JSON.readTree(json);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("a definition is not JSON", e);
            }
            String attribute = definition.at("/activation/personalizeAttribute").asText(null);
            if (attribute == null) {
                continue;
            }
            String id = definition.path("id").asText();
            if ("trait".equals(definition.path("kind").asText())) {
                traits.put(id, attribute);
            } else {
                audiences.put(id, attribute);
            }
        }
        return new AttributeMap(traits, audiences);
    }

    /** True when nothing is activated as an attribute. */
    public boolean isEmpty() {
        return traits.isEmpty() && audiences.isEmpty();
    }
}
