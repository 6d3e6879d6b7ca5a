package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks definitions against the {@code cdp.definition/v1} schema: the envelope, each trait and
 * audience type, predicates, windows, sequence rules, and across a set, duplicate ids and
 * references to traits that do not exist or form a cycle. Every problem carries its JSON path.
 */
public final class DefinitionValidator {
    public static final String SCHEMA = "cdp.definition/v1";

    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9_]{1,62}");
    private static final Set<String> STATUSES = Set.of("active", "paused", "deleted");
    private static final Set<String> EVENT_TYPES =
            Set.of("track", "page", "screen", "identify", "group", "alias", "*");
    private static final Set<String> VALUE_TRAITS =
            Set.of("most_frequent", "first", "last", "unique_list", "unique_count");
    private static final Set<String> EVENT_TRAITS =
            Set.of(
                    "event_counter",
                    "aggregation",
                    "most_frequent",
                    "first",
                    "last",
                    "first_seen_at",
                    "last_seen_at",
                    "unique_list",
                    "unique_count",
                    "active_days",
                    "decayed_score");
    private static final Set<String> TRAIT_TYPES =
            union(EVENT_TRAITS, Set.of("identify_trait", "derived"));
    private static final Set<String> CONTIGUITY = Set.of("strict", "relaxed", "any");
    // the fields each object knows (KnownFields refuses any other)
    private static final Set<String> ENVELOPE =
            Set.of(
                    "schema",
                    "kind",
                    "id",
                    "version",
                    "status",
                    "name",
                    "description",
                    "labels",
                    "activation");
    private static final Set<String> TRAIT_FIELDS =
            union(
                    ENVELOPE,
                    Set.of(
                            "type",
                            "source",
                            "window",
                            "aggregate",
                            "property",
                            "path",
                            "halfLife",
                            "weight",
                            "expr",
                            "minFrequency",
                            "maxDistinct"));
    private static final Set<String> AUDIENCE_FIELDS =
            union(
                    ENVELOPE,
                    Set.of("type", "condition", "includeAnonymous", "sequence", "membership"));
    private static final Set<String> STEP_FIELDS =
            Set.of("name", "match", "contiguity", "absent", "times", "optional", "greedy", "until");
    private static final Duration MAX_WITHIN = Duration.ofDays(7);
    private static final int MAX_STEPS = 10;
    private static final Pattern DERIVED_TOKEN =
            Pattern.compile("\\s*(traits\\.[a-z][a-z0-9_]{1,62}|\\d+(\\.\\d+)?|[-+*/()])");

    private final List<DefinitionProblem> problems = new ArrayList<>();
    private final Map<String, Set<String>> traitDependencies = new LinkedHashMap<>();
    private final Map<String, String> pathOfTrait = new HashMap<>();
    private final Map<String, List<String>> referencesByPath = new LinkedHashMap<>();
    private final Set<String> traitsElsewhere = new HashSet<>();

    private DefinitionValidator() {}

    /** The problems of a file: one definition, or an array of them. Empty when all is valid. */
    public static List<DefinitionProblem> validate(JsonNode root) {
        return validate(root, Set.of());
    }

    /**
     * The problems of a file whose definitions may refer to traits defined elsewhere: in other
     * files published with it, or already in force on the control topic.
     *
     * @param traitsElsewhere ids of traits defined outside this file
     */
    public static List<DefinitionProblem> validate(JsonNode root, Set<String> traitsElsewhere) {
        DefinitionValidator validator = new DefinitionValidator();
        validator.traitsElsewhere.addAll(traitsElsewhere);
        if (root != null && root.isArray()) {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < root.size(); i++) {
                String path = "$[" + i + "]";
                validator.definition(root.get(i), path);
                String key =
                        root.get(i).path("kind").asText() + "/" + root.get(i).path("id").asText();
                if (!seen.add(key)) {
                    validator.problem(path + ".id", key + " is defined twice");
                }
            }
        } else {
            validator.definition(root, "$");
        }
        validator.checkReferences();
        return List.copyOf(validator.problems);
    }

    /** The problems of one definition alone (references to other definitions are not checked). */
    public static List<DefinitionProblem> validateOne(JsonNode definition) {
        DefinitionValidator validator = new DefinitionValidator();
        validator.definition(definition, "$");
        return List.copyOf(validator.problems);
    }

    private void definition(JsonNode d, String path) {
        if (d == null || !d.isObject()) {
            problem(path, "a definition must be an object");
            return;
        }
        if (!SCHEMA.equals(d.path("schema").asText())) {
            problem(path + ".schema", "must be \"" + SCHEMA + "\"");
        }
        String id = d.path("id").asText("");
        if (!ID.matcher(id).matches()) {
            problem(path + ".id", "must match ^[a-z][a-z0-9_]{1,62}$, got " + d.get("id"));
        }
        if (!d.path("version").canConvertToExactIntegral() || d.path("version").asLong() < 1) {
            problem(path + ".version", "must be a positive whole number");
        }
        if (!STATUSES.contains(d.path("status").asText())) {
            problem(path + ".status", "must be active, paused or deleted");
        }
        switch (d.path("kind").asText()) {
            case "trait" -> {
                known(d, path, TRAIT_FIELDS);
                trait(d, path, id);
            }
            case "audience" -> {
                known(d, path, AUDIENCE_FIELDS);
                audience(d, path);
            }
            default -> problem(path + ".kind", "must be trait or audience");
        }
        known(d.get("activation"), path + ".activation", Set.of("personalizeAttribute"));
    }

    private void known(JsonNode object, String path, Set<String> fields) {
        KnownFields.check(object, path, fields, problems);
    }

    private void trait(JsonNode d, String path, String id) {
        String type = d.path("type").asText();
        if (!TRAIT_TYPES.contains(type)) {
            problem(
                    path + ".type",
                    "unknown trait type '"
                            + type
                            + "'; one of: "
                            + String.join(", ", new java.util.TreeSet<>(TRAIT_TYPES)));
            return;
        }
        pathOfTrait.put(id, path);
        Set<String> dependsOn = new HashSet<>();
        traitDependencies.put(id, dependsOn);
        if (EVENT_TRAITS.contains(type)) {
            source(d.get("source"), path + ".source");
            window(d.get("window"), path + ".window");
        }
        switch (type) {
            case "aggregation" -> {
                known(d.get("aggregate"), path + ".aggregate", Set.of("fn", "property"));
                if (!Set.of("sum", "avg", "min", "max").contains(d.at("/aggregate/fn").asText())) {
                    problem(path + ".aggregate.fn", "must be sum, avg, min or max");
                }
                eventProperty(d.at("/aggregate/property"), path + ".aggregate.property");
            }
            case "most_frequent", "first", "last", "unique_list", "unique_count" ->
                    eventProperty(d.get("property"), path + ".property");
            case "identify_trait" -> {
                if (!d.path("path").isTextual() || d.path("path").asText().isBlank()) {
                    problem(path + ".path", "names the identify trait, e.g. plan");
                }
            }
            case "decayed_score" -> {
                PredicateParser.Durations.parse(d.get("halfLife"), path + ".halfLife", problems);
                if (d.has("weight") && !d.get("weight").isNumber()) {
                    problem(path + ".weight", "must be a number");
                }
            }
            case "derived" -> dependsOn.addAll(expression(d.get("expr"), path + ".expr"));
            default -> {}
        }
        if (VALUE_TRAITS.contains(type) || "most_frequent".equals(type)) {
            positiveIfPresent(d, "minFrequency", path);
            positiveIfPresent(d, "maxDistinct", path);
        }
    }

    private void source(JsonNode source, String path) {
        if (source == null || !source.isObject()) {
            problem(path, "names the events counted: {event: {type, name}, where}");
            return;
        }
        known(source, path, Set.of("event", "where"));
        known(source.get("event"), path + ".event", Set.of("type", "name"));
        String type = source.at("/event/type").asText("track");
        if (!EVENT_TYPES.contains(type)) {
            problem(path + ".event.type", "unknown event type '" + type + "'");
        }
        if (source.has("event")
                && source.get("event").has("name")
                && !source.at("/event/name").isTextual()) {
            problem(path + ".event.name", "must be a string, or \"*\" for any");
        }
        if (source.has("where")) {
            new PredicateParser(problems)
                    .parse(
                            source.get("where"),
                            path + ".where",
                            PredicateParser.Scope.TRAIT_FILTER);
        }
    }

    private void window(JsonNode window, String path) {
        known(window, path, Set.of("kind", "size", "granularity"));
        if (window == null || "lifetime".equals(window.path("kind").asText())) {
            return;
        }
        if (!"sliding".equals(window.path("kind").asText())) {
            problem(path + ".kind", "must be lifetime or sliding");
            return;
        }
        Duration size =
                PredicateParser.Durations.parse(window.get("size"), path + ".size", problems);
        Duration granularity =
                PredicateParser.Durations.parse(
                        window.get("granularity"), path + ".granularity", problems);
        if (size != null
                && granularity != null
                && (granularity.compareTo(size) > 0
                        || size.toMillis() % granularity.toMillis() != 0)) {
            problem(
                    path + ".granularity",
                    "must divide the window size: "
                            + window.get("granularity").asText()
                            + " does not divide "
                            + window.get("size").asText());
        }
    }

    private void audience(JsonNode d, String path) {
        String type = d.path("type").asText();
        if ("rule".equals(type)) {
            PredicateParser parser = new PredicateParser(problems);
            parser.parse(d.get("condition"), path + ".condition", PredicateParser.Scope.AUDIENCE);
            referencesByPath.put(path + ".condition", parser.referencedTraits());
        } else if ("sequence".equals(type)) {
            sequence(d.get("sequence"), path + ".sequence");
            JsonNode membership = d.get("membership");
            known(membership, path + ".membership", Set.of("ttl", "exitOn"));
            if (membership != null && membership.has("ttl")) {
                PredicateParser.Durations.parse(
                        membership.get("ttl"), path + ".membership.ttl", problems);
            }
            if (membership != null && membership.has("exitOn")) {
                new PredicateParser(problems)
                        .parse(
                                membership.get("exitOn"),
                                path + ".membership.exitOn",
                                PredicateParser.Scope.TRAIT_FILTER);
            }
        } else {
            problem(path + ".type", "must be rule or sequence");
        }
    }

    private void sequence(JsonNode sequence, String path) {
        JsonNode steps = sequence == null ? null : sequence.get("steps");
        if (steps == null || !steps.isArray() || steps.isEmpty()) {
            problem(path + ".steps", "needs at least one step");
            return;
        }
        known(sequence, path, Set.of("steps", "within", "withinType", "afterMatch"));
        if (steps.size() > MAX_STEPS) {
            problem(path + ".steps", "at most " + MAX_STEPS + " steps");
        }
        Duration within =
                sequence.has("within")
                        ? PredicateParser.Durations.parse(
                                sequence.get("within"), path + ".within", problems)
                        : null;
        if (within != null && within.compareTo(MAX_WITHIN) > 0) {
            problem(path + ".within", "at most P7D: partial matches are kept that long");
        }
        List<String> names = new ArrayList<>();
        List<String> matchable = new ArrayList<>();
        boolean previousOptional = false;
        for (int i = 0; i < steps.size(); i++) {
            JsonNode step = steps.get(i);
            String stepPath = path + ".steps[" + i + "]";
            known(step, stepPath, STEP_FIELDS);
            String name = step.path("name").asText("");
            if (name.isBlank() || name.contains(":")) {
                problem(stepPath + ".name", "a step needs a name without ':'");
            } else if (names.contains(name)) {
                problem(stepPath + ".name", "step name '" + name + "' is used twice");
            }
            names.add(name);
            boolean absent = step.path("absent").asBoolean(false);
            if (absent && i == 0) {
                problem(stepPath + ".absent", "the first step cannot be absent");
            }
            if (absent && previousOptional) {
                problem(stepPath + ".absent", "an absent step cannot follow an optional one");
            }
            if (absent && i == steps.size() - 1 && within == null) {
                problem(path + ".within", "a trailing absent step needs within");
            }
            if (step.has("contiguity") && !CONTIGUITY.contains(step.get("contiguity").asText())) {
                problem(stepPath + ".contiguity", "must be strict, relaxed or any");
            }
            times(step.get("times"), stepPath + ".times");
            PredicateParser parser = new PredicateParser(problems);
            parser.parse(
                    step.get("match"), stepPath + ".match", PredicateParser.Scope.step(matchable));
            if (step.has("until")) {
                parser.parse(
                        step.get("until"),
                        stepPath + ".until",
                        PredicateParser.Scope.step(matchable));
            }
            previousOptional = step.path("optional").asBoolean(false);
            if (!absent) {
                matchable.add(name);
            }
        }
        afterMatch(
                sequence.path("afterMatch").asText("skip_past_last_event"),
                names,
                path + ".afterMatch");
        String withinType = sequence.path("withinType").asText("first_and_last");
        if (!Set.of("first_and_last", "previous_and_current").contains(withinType)) {
            problem(path + ".withinType", "must be first_and_last or previous_and_current");
        }
    }

    private void times(JsonNode times, String path) {
        if (times == null) {
            return;
        }
        known(times, path, Set.of("min", "max"));
        int min = times.path("min").asInt(0);
        if (min < 1) {
            problem(path + ".min", "must be at least 1");
        }
        JsonNode max = times.get("max");
        if (max != null && !max.isNull() && max.asInt() < min) {
            problem(path + ".max", "must be null (or more) or at least min");
        }
    }

    private void afterMatch(String strategy, List<String> steps, String path) {
        if (Set.of("no_skip", "skip_to_next", "skip_past_last_event").contains(strategy)) {
            return;
        }
        for (String prefix : List.of("skip_to_first:", "skip_to_last:")) {
            if (strategy.startsWith(prefix)) {
                if (!steps.contains(strategy.substring(prefix.length()))) {
                    problem(path, "no step named '" + strategy.substring(prefix.length()) + "'");
                }
                return;
            }
        }
        problem(path, "unknown strategy '" + strategy + "'");
    }

    /**
     * The traits a derived expression reads; problems for anything but + - * / ( ) traits numbers.
     */
    private List<String> expression(JsonNode expr, String path) {
        List<String> traits = new ArrayList<>();
        if (expr == null || !expr.isTextual() || expr.asText().isBlank()) {
            problem(path, "needs an arithmetic expression over traits.* and numbers");
            return traits;
        }
        var matcher = DERIVED_TOKEN.matcher(expr.asText());
        int position = 0;
        int depth = 0;
        while (position < expr.asText().length()) {
            if (!matcher.find(position) || matcher.start() != position) {
                if (expr.asText().substring(position).isBlank()) {
                    break;
                }
                problem(
                        path,
                        "unexpected text at position "
                                + position
                                + ": '"
                                + expr.asText().substring(position).trim()
                                + "'");
                return traits;
            }
            String token = matcher.group(1);
            depth += token.equals("(") ? 1 : token.equals(")") ? -1 : 0;
            if (depth < 0) {
                problem(path, "unbalanced parentheses");
                return traits;
            }
            if (token.startsWith("traits.")) {
                traits.add(token.substring("traits.".length()));
            }
            position = matcher.end();
        }
        if (depth != 0) {
            problem(path, "unbalanced parentheses");
        }
        referencesByPath.put(path, traits);
        return traits;
    }

    /** Across the set: referenced traits exist, derived traits form no cycle. */
    private void checkReferences() {
        referencesByPath.forEach(
                (path, traits) -> {
                    for (String trait : traits) {
                        if (!traitDependencies.containsKey(trait)
                                && !traitsElsewhere.contains(trait)) {
                            problem(path, "unknown trait '" + trait + "'");
                        }
                    }
                });
        Set<String> done = new HashSet<>();
        for (String trait : traitDependencies.keySet()) {
            cycleFrom(trait, new ArrayList<>(), done);
        }
    }

    private void cycleFrom(String trait, List<String> stack, Set<String> done) {
        if (done.contains(trait) || !traitDependencies.containsKey(trait)) {
            return;
        }
        if (stack.contains(trait)) {
            problem(
                    pathOfTrait.get(trait) + ".expr",
                    "derived traits form a cycle: "
                            + String.join(" -> ", stack.subList(stack.indexOf(trait), stack.size()))
                            + " -> "
                            + trait);
            return;
        }
        stack.add(trait);
        for (String next : traitDependencies.get(trait)) {
            cycleFrom(next, stack, done);
        }
        stack.remove(stack.size() - 1);
        done.add(trait);
    }

    private void eventProperty(JsonNode node, String path) {
        if (node == null || !node.isTextual() || !node.asText().startsWith("event.properties.")) {
            problem(path, "names a property, e.g. event.properties.revenue");
        }
    }

    private void positiveIfPresent(JsonNode d, String field, String path) {
        if (d.has(field)
                && (!d.get(field).canConvertToExactIntegral() || d.get(field).asInt() < 1)) {
            problem(path + "." + field, "must be a positive whole number");
        }
    }

    private void problem(String path, String message) {
        problems.add(new DefinitionProblem(path, message));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }
}
