package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads the predicate language from JSON, reporting every problem with its JSON path rather than
 * stopping at the first.
 */
public final class PredicateParser {
    private static final Pattern TRAIT_ID = Pattern.compile("[a-z][a-z0-9_]{1,62}");
    private static final Set<String> EVENT_FIELDS =
            Set.of("event.name", "event.type", "event.timestamp");

    /** Which fields a predicate may read, and which earlier steps it may refer to. */
    public record Scope(boolean events, boolean traits, List<String> earlierSteps) {
        /** Trait filters: the current event and the profile's identify traits. */
        public static final Scope TRAIT_FILTER = new Scope(true, false, null);

        /** Rule audiences: the event, computed traits and identify traits. */
        public static final Scope AUDIENCE = new Scope(true, true, null);

        /** A sequence step may also compare with fields of earlier steps' events. */
        public static Scope step(List<String> earlierSteps) {
            return new Scope(true, false, List.copyOf(earlierSteps));
        }
    }

    private final List<DefinitionProblem> problems;
    private final List<String> referencedTraits = new ArrayList<>();

    /** A parser that adds what it finds wrong to {@code problems}. */
    public PredicateParser(List<DefinitionProblem> problems) {
        this.problems = problems;
    }

    /** The {@code traits.<id>} the parsed predicates read, for dependency checks. */
    public List<String> referencedTraits() {
        return referencedTraits;
    }

    /** Parses a predicate; null (with problems added) when it is not valid. */
    public Predicate parse(JsonNode node, String path, Scope scope) {
        if (node == null || !node.isObject()) {
            problems.add(new DefinitionProblem(path, "a condition must be an object"));
            return null;
        }
        if (node.has("all") || node.has("any")) {
            String key = node.has("all") ? "all" : "any";
            KnownFields.check(node, path, Set.of(key), problems);
            JsonNode parts = node.get(key);
            if (!parts.isArray() || parts.isEmpty()) {
                problems.add(new DefinitionProblem(path + "." + key, "must be a non-empty array"));
                return null;
            }
            List<Predicate> parsed = new ArrayList<>();
            for (int i = 0; i < parts.size(); i++) {
                parsed.add(parse(parts.get(i), path + "." + key + "[" + i + "]", scope));
            }
            if (parsed.contains(null)) {
                return null;
            }
            return key.equals("all") ? new Predicate.All(parsed) : new Predicate.Any(parsed);
        }
        if (node.has("not")) {
            KnownFields.check(node, path, Set.of("not"), problems);
            Predicate part = parse(node.get("not"), path + ".not", scope);
            return part == null ? null : new Predicate.Not(part);
        }
        return comparison(node, path, scope);
    }

    private Predicate comparison(JsonNode node, String path, Scope scope) {
        KnownFields.check(node, path, Set.of("field", "op", "value", "ref"), problems);
        JsonNode fieldNode = node.get("field");
        JsonNode opNode = node.get("op");
        if (fieldNode == null || !fieldNode.isTextual()) {
            problems.add(new DefinitionProblem(path, "needs all, any, not, or a field and an op"));
            return null;
        }
        String field = fieldNode.asText();
        boolean ok = checkField(field, path + ".field", scope);
        Op op = opNode != null && opNode.isTextual() ? Op.fromWireName(opNode.asText()) : null;
        if (op == null) {
            problems.add(
                    new DefinitionProblem(
                            path + ".op",
                            "unknown operator "
                                    + opNode
                                    + "; one of: "
                                    + String.join(", ", Op.wireNames())));
            return null;
        }
        JsonNode value = node.get("value");
        String ref = node.hasNonNull("ref") ? node.get("ref").asText() : null;
        if (ref != null) {
            ok &= checkRef(ref, path + ".ref", scope);
        } else if (!op.isUnary() && value == null) {
            problems.add(new DefinitionProblem(path + ".value", op.wireName() + " needs a value"));
            ok = false;
        }
        Duration duration = null;
        if (value != null && ref == null) {
            switch (op) {
                case BETWEEN ->
                        ok &=
                                require(
                                        value.isArray() && value.size() == 2,
                                        path,
                                        "between needs [low, high]");
                case IN, NOT_IN ->
                        ok &= require(value.isArray(), path, op.wireName() + " needs an array");
                case WITHIN_LAST, BEFORE_LAST -> {
                    duration = Durations.parse(value, path + ".value", problems);
                    ok &= duration != null;
                }
                case AFTER_DATE, BEFORE_DATE ->
                        ok &=
                                require(
                                        PredicateEvaluator.millis(value) != null,
                                        path,
                                        op.wireName() + " needs an ISO-8601 date or date-time");
                case MATCHES_REGEX -> ok &= regex(value, path);
                default -> {}
            }
        }
        return ok ? new Predicate.Comparison(field, op, value, duration, ref) : null;
    }

    private boolean checkField(String field, String path, Scope scope) {
        if (EVENT_FIELDS.contains(field)
                || field.startsWith("event.properties.")
                || field.startsWith("event.context.")) {
            return require(scope.events(), path, "event fields are not available here");
        }
        if (field.startsWith("traits.")) {
            String trait = field.substring("traits.".length());
            if (!scope.traits()) {
                problems.add(new DefinitionProblem(path, "computed traits are not available here"));
                return false;
            }
            if (!TRAIT_ID.matcher(trait).matches()) {
                problems.add(new DefinitionProblem(path, "'" + trait + "' is not a trait id"));
                return false;
            }
            referencedTraits.add(trait);
            return true;
        }
        if (field.startsWith("profile.") && field.length() > "profile.".length()) {
            return true;
        }
        problems.add(
                new DefinitionProblem(
                        path,
                        "unknown field '"
                                + field
                                + "' (event.name, event.type, event.properties.*, event.context.*,"
                                + " traits.*, profile.*)"));
        return false;
    }

    private boolean checkRef(String ref, String path, Scope scope) {
        if (scope.earlierSteps() == null) {
            problems.add(new DefinitionProblem(path, "ref is only allowed in sequence steps"));
            return false;
        }
        if (!ref.startsWith("step:") || !ref.contains(".")) {
            problems.add(new DefinitionProblem(path, "a ref reads step:<name>.<path>"));
            return false;
        }
        String step = ref.substring("step:".length(), ref.indexOf('.'));
        if (!scope.earlierSteps().contains(step)) {
            problems.add(
                    new DefinitionProblem(
                            path, "'" + step + "' is not an earlier, non-absent step"));
            return false;
        }
        return true;
    }

    private boolean regex(JsonNode value, String path) {
        try {
            Pattern.compile(value.asText());
            return true;
        } catch (PatternSyntaxException e) {
            problems.add(
                    new DefinitionProblem(path + ".value", "invalid regex: " + e.getDescription()));
            return false;
        }
    }

    private boolean require(boolean condition, String path, String message) {
        if (!condition) {
            problems.add(new DefinitionProblem(path, message));
        }
        return condition;
    }

    /** ISO-8601 durations in days, hours, minutes and seconds. */
    static final class Durations {
        private Durations() {}

        static Duration parse(JsonNode node, String path, List<DefinitionProblem> problems) {
            if (node == null || !node.isTextual()) {
                problems.add(
                        new DefinitionProblem(
                                path, "must be an ISO-8601 duration such as PT30M or P7D"));
                return null;
            }
            try {
                Duration duration = Duration.parse(node.asText());
                if (duration.isNegative() || duration.isZero()) {
                    problems.add(new DefinitionProblem(path, "must be positive"));
                    return null;
                }
                return duration;
            } catch (DateTimeParseException e) {
                problems.add(
                        new DefinitionProblem(
                                path,
                                "'"
                                        + node.asText()
                                        + "' is not an ISO-8601 duration in days or less (e.g."
                                        + " PT30M, P90D)"));
                return null;
            }
        }
    }
}
