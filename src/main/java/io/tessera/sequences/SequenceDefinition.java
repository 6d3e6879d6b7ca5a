package io.tessera.sequences;

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
 * A validated sequence audience (definitions.md, "Sequence audiences"), ready to compile to a Flink
 * CEP pattern.
 *
 * @param id the audience id
 * @param version the definition version
 * @param name the display name
 * @param steps the steps, in order
 * @param within the time limit of a match, or null
 * @param previousAndCurrent true when the limit runs between consecutive events (else first and
 *     last)
 * @param afterMatch the after-match skip strategy, e.g. {@code skip_past_last_event}
 * @param ttl how long an entry lasts without a new match
 * @param exitOn an event that ends the membership, or null
 */
public record SequenceDefinition(
        String id,
        long version,
        String name,
        List<Step> steps,
        Duration within,
        boolean previousAndCurrent,
        String afterMatch,
        Duration ttl,
        Predicate exitOn)
        implements Serializable {

    /** A membership without a ttl lasts this long. */
    public static final Duration DEFAULT_TTL = Duration.ofDays(1);

    /**
     * One step.
     *
     * @param name the step name
     * @param match the condition an event must meet (may compare with an earlier step's event)
     * @param contiguity strict, relaxed or any
     * @param absent whether the step is an event that must not happen
     * @param timesMin least repetitions (1 for a plain step)
     * @param timesMax most repetitions, or null for "or more"
     * @param optional whether the step may be skipped
     * @param greedy whether a loop takes as many events as it can
     * @param until a condition that stops a loop, or null
     */
    public record Step(
            String name,
            Predicate match,
            String contiguity,
            boolean absent,
            int timesMin,
            Integer timesMax,
            boolean optional,
            boolean greedy,
            Predicate until)
            implements Serializable {}

    /** True when the last step is an absence: the match completes when its time runs out. */
    public boolean endsWithAbsence() {
        return steps.get(steps.size() - 1).absent();
    }

    /**
     * Reads a sequence audience the validator accepted.
     *
     * @throws IllegalArgumentException when it is not a valid sequence audience
     */
    public static SequenceDefinition of(JsonNode d) {
        List<DefinitionProblem> problems = new ArrayList<>(DefinitionValidator.validateOne(d));
        if (!problems.isEmpty() || !"sequence".equals(d.path("type").asText())) {
            throw new IllegalArgumentException("invalid sequence audience: " + problems);
        }
        JsonNode sequence = d.get("sequence");
        List<Step> steps = new ArrayList<>();
        List<String> earlier = new ArrayList<>();
        PredicateParser parser = new PredicateParser(problems);
        for (JsonNode step : sequence.get("steps")) {
            PredicateParser.Scope scope = PredicateParser.Scope.step(earlier);
            JsonNode times = step.get("times");
            boolean absent = step.path("absent").asBoolean(false);
            steps.add(
                    new Step(
                            step.path("name").asText(),
                            parser.parse(step.get("match"), "$.match", scope),
                            step.path("contiguity").asText("relaxed"),
                            absent,
                            times == null ? 1 : times.path("min").asInt(1),
                            times == null
                                    ? Integer.valueOf(1)
                                    : times.hasNonNull("max")
                                            ? Integer.valueOf(times.get("max").asInt())
                                            : null,
                            step.path("optional").asBoolean(false),
                            step.path("greedy").asBoolean(false),
                            step.has("until")
                                    ? parser.parse(step.get("until"), "$.until", scope)
                                    : null));
            if (!absent) {
                earlier.add(step.path("name").asText());
            }
        }
        JsonNode membership = d.path("membership");
        return new SequenceDefinition(
                d.path("id").asText(),
                d.path("version").asLong(),
                d.path("name").asText(d.path("id").asText()),
                List.copyOf(steps),
                sequence.has("within") ? Duration.parse(sequence.get("within").asText()) : null,
                "previous_and_current".equals(sequence.path("withinType").asText()),
                sequence.path("afterMatch").asText("skip_past_last_event"),
                membership.has("ttl")
                        ? Duration.parse(membership.get("ttl").asText())
                        : DEFAULT_TTL,
                membership.has("exitOn")
                        ? parser.parse(
                                membership.get("exitOn"),
                                "$.membership.exitOn",
                                PredicateParser.Scope.TRAIT_FILTER)
                        : null);
    }
}
