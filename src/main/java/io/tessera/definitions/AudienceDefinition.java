package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated rule audience.
 *
 * @param id the audience id
 * @param version the definition version
 * @param name the display name
 * @param active whether it is active (not paused or deleted)
 * @param condition the membership condition over traits, identify traits and the event
 * @param includeAnonymous whether profiles without a user id may be members (default true)
 * @param personalizeAttribute the Personalize attribute its membership is activated as, or null
 */
public record AudienceDefinition(
        String id,
        long version,
        String name,
        boolean active,
        Predicate condition,
        boolean includeAnonymous,
        String personalizeAttribute)
        implements Serializable {

    /**
     * Reads a rule audience the validator accepted.
     *
     * @throws IllegalArgumentException when it is not a valid rule audience
     */
    public static AudienceDefinition of(JsonNode d) {
        List<DefinitionProblem> problems = new ArrayList<>(DefinitionValidator.validateOne(d));
        if (!problems.isEmpty() || !"rule".equals(d.path("type").asText())) {
            throw new IllegalArgumentException("invalid rule audience: " + problems);
        }
        Predicate condition =
                new PredicateParser(problems)
                        .parse(d.get("condition"), "$.condition", PredicateParser.Scope.AUDIENCE);
        return new AudienceDefinition(
                d.path("id").asText(),
                d.path("version").asLong(),
                d.path("name").asText(d.path("id").asText()),
                "active".equals(d.path("status").asText()),
                condition,
                d.path("includeAnonymous").asBoolean(true),
                d.at("/activation/personalizeAttribute").asText(null));
    }
}
