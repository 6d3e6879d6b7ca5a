package io.tessera.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.definitions.DefinitionValidator;
import io.tessera.traits.DefinitionSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of the control topic (definitions.md, "Delivery"): for one key the highest version
 * wins, so duplicates and reordering change nothing; a tombstone deletes; an invalid definition is
 * refused with its problems and changes nothing. The accepted definitions override the bootstrap
 * file's.
 */
public final class LiveDefinitions {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Version of the deletion a tombstone records: above any real version. */
    static final long TOMBSTONE_VERSION = Long.MAX_VALUE;

    private LiveDefinitions() {}

    /**
     * What to do with a control-topic record.
     *
     * @param store the JSON to keep for the key, or null to change nothing
     * @param rejection why the record is refused, or null
     */
    public record Decision(String store, String rejection) {
        boolean changes() {
            return store != null;
        }
    }

    /**
     * Decides on an update, given what is kept for its key (null if nothing), the bootstrap
     * definitions and every definition accepted live. An update that would leave the whole set
     * invalid (an audience reading a trait that no longer exists) is refused too.
     */
    public static Decision decide(
            DefinitionUpdate update, List<String> bootstrap, Map<String, String> live) {
        Decision decision = decideAlone(update, live.get(update.key()));
        if (!decision.changes()) {
            return decision;
        }
        Map<String, String> candidate = new TreeMap<>(live);
        candidate.put(update.key(), decision.store());
        try {
            effective(bootstrap, candidate.entrySet());
            return decision;
        } catch (IllegalArgumentException e) {
            return new Decision(null, e.getMessage());
        }
    }

    private static Decision decideAlone(DefinitionUpdate update, String current) {
        long currentVersion = current == null ? 0 : read(current).path("version").asLong();
        if (update.json() == null) {
            String[] kindAndId = update.key().split("/", 2);
            if (kindAndId.length != 2) {
                return new Decision(null, "a key reads <kind>/<id>, got '" + update.key() + "'");
            }
            if (currentVersion == TOMBSTONE_VERSION) {
                return new Decision(null, null);
            }
            return new Decision(
                    MAPPER.createObjectNode()
                            .put("kind", kindAndId[0])
                            .put("id", kindAndId[1])
                            .put("version", TOMBSTONE_VERSION)
                            .put("status", "deleted")
                            .toString(),
                    null);
        }
        JsonNode definition;
        try {
            definition = MAPPER.readTree(update.json());
        } catch (JsonProcessingException e) {
            return new Decision(null, "not JSON: " + e.getOriginalMessage());
        }
        List<DefinitionProblem> problems = DefinitionValidator.validateOne(definition);
        if (!problems.isEmpty()) {
            return new Decision(null, problems.toString());
        }
        String key = definition.path("kind").asText() + "/" + definition.path("id").asText();
        if (!key.equals(update.key())) {
            return new Decision(null, "the key '" + update.key() + "' does not name " + key);
        }
        if (definition.path("version").asLong() <= currentVersion) {
            return new Decision(null, null); // stale or a duplicate: highest version wins
        }
        return new Decision(definition.toString(), null);
    }

    /** The definitions in force: the bootstrap's, overridden by higher versions accepted live. */
    public static DefinitionSet effective(
            List<String> bootstrap, Iterable<Map.Entry<String, String>> live) {
        Map<String, JsonNode> byKey = new TreeMap<>();
        for (String json : bootstrap) {
            JsonNode definition = read(json);
            byKey.put(
                    definition.path("kind").asText() + "/" + definition.path("id").asText(),
                    definition);
        }
        for (Map.Entry<String, String> entry : live) {
            JsonNode definition = read(entry.getValue());
            JsonNode known = byKey.get(entry.getKey());
            if (known == null
                    || definition.path("version").asLong() > known.path("version").asLong()) {
                byKey.put(entry.getKey(), definition);
            }
        }
        ArrayNode array = MAPPER.createArrayNode();
        byKey.values().stream()
                .filter(d -> !"deleted".equals(d.path("status").asText()))
                .forEach(array::add);
        return DefinitionSet.of(array);
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored definition holds invalid JSON", e);
        }
    }
}
