package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionValidator;
import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateParser;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated trait definition, ready to compute with.
 *
 * @param id the trait id
 * @param version the definition version
 * @param active whether the trait is active (not paused or deleted)
 * @param type the trait type, e.g. {@code aggregation}
 * @param eventType the event type counted, or {@code *}
 * @param eventName the event name counted (track name, page name), or {@code *}
 * @param where a filter on the event, or null
 * @param property the event property a value-based trait reads, e.g. {@code
 *     event.properties.revenue}, or null
 * @param fn the aggregation function: sum, avg, min, max (aggregation only)
 * @param window the window size, or null for a lifetime trait
 * @param granularity the bucket size of a sliding window
 * @param minFrequency least count of the most frequent value
 * @param maxDistinct most values of a unique list
 * @param identifyPath the identify trait read (identify_trait only)
 * @param halfLife the half-life of a decayed score
 * @param weight what each event adds to a decayed score
 * @param expression a derived trait's arithmetic
 * @param personalizeAttribute the Personalize attribute the value is activated as, or null
 */
public record TraitDefinition(
        String id,
        long version,
        boolean active,
        String type,
        String eventType,
        String eventName,
        Predicate where,
        String property,
        String fn,
        Duration window,
        Duration granularity,
        int minFrequency,
        int maxDistinct,
        String identifyPath,
        Duration halfLife,
        double weight,
        Expression expression,
        String personalizeAttribute)
        implements Serializable {

    /** True for a trait kept in sliding-window buckets. */
    public boolean isSliding() {
        return window != null;
    }

    /**
     * Reads a trait definition, or throws with every problem the validator found.
     *
     * @throws IllegalArgumentException when the definition is not valid
     */
    public static TraitDefinition of(JsonNode d) {
        List<DefinitionProblem> problems = new ArrayList<>(DefinitionValidator.validateOne(d));
        if (!problems.isEmpty() || !"trait".equals(d.path("kind").asText())) {
            throw new IllegalArgumentException("invalid trait definition: " + problems);
        }
        JsonNode source = d.path("source");
        Predicate where =
                source.has("where")
                        ? new PredicateParser(problems)
                                .parse(
                                        source.get("where"),
                                        "$.source.where",
                                        PredicateParser.Scope.TRAIT_FILTER)
                        : null;
        boolean sliding = "sliding".equals(d.at("/window/kind").asText());
        String type = d.path("type").asText();
        String property =
                "aggregation".equals(type)
                        ? d.at("/aggregate/property").asText(null)
                        : d.path("property").asText(null);
        return new TraitDefinition(
                d.path("id").asText(),
                d.path("version").asLong(),
                "active".equals(d.path("status").asText()),
                type,
                source.at("/event/type").asText("track"),
                source.at("/event/name").asText("*"),
                where,
                property,
                d.at("/aggregate/fn").asText(null),
                sliding ? Duration.parse(d.at("/window/size").asText()) : null,
                sliding ? Duration.parse(d.at("/window/granularity").asText()) : null,
                d.path("minFrequency").asInt(2),
                d.path("maxDistinct").asInt(100),
                d.path("path").asText(null),
                d.has("halfLife") ? Duration.parse(d.get("halfLife").asText()) : null,
                d.path("weight").asDouble(1.0),
                "derived".equals(type) ? Expression.parse(d.get("expr").asText()) : null,
                d.at("/activation/personalizeAttribute").asText(null));
    }
}
