package io.tessera.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.definitions.AudienceDefinition;
import io.tessera.definitions.Fields;
import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ProfileState;
import io.tessera.identity.TraitValue;
import io.tessera.model.CustomerEvent;
import io.tessera.traits.DefinitionSet;
import io.tessera.traits.EventFields;
import io.tessera.traits.JsonText;
import io.tessera.traits.MessageProjection;
import io.tessera.traits.TraitDefinition;
import io.tessera.traits.TraitEngine;
import io.tessera.traits.TraitState;
import java.io.Serializable;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Stage 3 as plain Java: keeps a profile's computed traits current and its rule-audience
 * memberships true to their conditions (definitions.md). On an event it updates the traits the
 * event counts; on a wake-up it expires buckets; either way it recomputes values, re-evaluates
 * audiences, emits transitions and sets the next wake-up: the earliest bucket expiry or
 * relative-time flip.
 */
public final class ProfileComputer implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> NON_EVENT_TRAITS = Set.of("identify_trait", "derived");

    private final DefinitionSet definitions;

    /** What every evaluation asks of the definitions, worked out once (not serialized). */
    private transient Plan plan;

    /** A computer of the given definitions. */
    public ProfileComputer(DefinitionSet definitions) {
        this.definitions = definitions;
    }

    /**
     * The definitions as each event's computation reads them: the traits an event can count, each
     * trait's field path, and per audience whether it reads the event, whether its condition can
     * flip with time alone, and the decayed scores it compares with a threshold. Worked out once
     * per definition set, where each event used to search the definitions for them.
     */
    private record Plan(
            List<TraitDefinition> eventTraits,
            Map<String, String> pathOf,
            List<AudiencePlan> audiences,
            Map<String, AudienceDefinition> audienceById,
            MessageProjection.Learned messagePaths) {

        static Plan of(DefinitionSet definitions) {
            List<TraitDefinition> eventTraits = new ArrayList<>();
            Map<String, String> pathOf = new HashMap<>();
            Map<String, TraitDefinition> scores = new HashMap<>();
            for (TraitDefinition trait : definitions.traits()) {
                if (!NON_EVENT_TRAITS.contains(trait.type())) {
                    eventTraits.add(trait);
                }
                pathOf.put(trait.id(), "traits." + trait.id());
                if ("decayed_score".equals(trait.type())) {
                    scores.putIfAbsent(trait.id(), trait);
                }
            }
            List<AudiencePlan> audiences = new ArrayList<>();
            Map<String, AudienceDefinition> byId = new HashMap<>();
            for (AudienceDefinition audience : definitions.audiences()) {
                List<ScoreThreshold> thresholds = new ArrayList<>();
                collectThresholds(audience.condition(), scores, thresholds);
                audiences.add(
                        new AudiencePlan(
                                audience,
                                readsEvent(audience.condition()),
                                readsRelativeTime(audience.condition()),
                                List.copyOf(thresholds)));
                byId.putIfAbsent(audience.id(), audience);
            }
            return new Plan(
                    List.copyOf(eventTraits),
                    pathOf,
                    List.copyOf(audiences),
                    byId,
                    new MessageProjection.Learned());
        }
    }

    /** One audience as an evaluation reads it. */
    private record AudiencePlan(
            AudienceDefinition definition,
            boolean readsEvent,
            boolean readsRelativeTime,
            List<ScoreThreshold> thresholds) {}

    /** A comparison of a decayed score with a positive number, which time alone can cross. */
    private record ScoreThreshold(String traitId, double halfLife, double threshold) {}

    private Plan plan() {
        if (plan == null) {
            plan = Plan.of(definitions);
        }
        return plan;
    }

    /** The definitions computed. */
    public DefinitionSet definitions() {
        return definitions;
    }

    /** Credits an event to the profile's traits and re-evaluates its audiences. */
    public List<AudienceTransition> onEvent(
            ProfileState profile, CustomerEvent event, String trigger, long now) {
        // the message read for the paths the definitions read, not whole
        EventFields fields = new EventFields(event, plan().messagePaths());
        if (!"delete".equals(event.type())) {
            for (TraitDefinition trait : plan().eventTraits()) {
                if (TraitEngine.counts(trait, fields)) {
                    TraitEngine.add(trait, state(profile, trait), fields, now);
                }
            }
        }
        return evaluate(profile, fields, trigger, now);
    }

    /** Time has passed without an event: expires buckets and re-evaluates. */
    public List<AudienceTransition> onWake(ProfileState profile, long now) {
        return evaluate(profile, null, "timer", now);
    }

    /**
     * Everything due by {@code until} (bucket expiries, relative-time flips, score crossings), each
     * at its own time and in time order (definitions.md, "Event-time order"). Called before an
     * event at {@code until} is applied, so a flip the watermark has not reached yet is not lost
     * under the event's own evaluation.
     */
    public List<AudienceTransition> wakeUntil(ProfileState profile, long until) {
        List<AudienceTransition> changes = new ArrayList<>();
        long previous = Long.MIN_VALUE;
        while (profile.wakeAt <= until && profile.wakeAt > previous) {
            previous = profile.wakeAt;
            changes.addAll(onWake(profile, profile.wakeAt));
        }
        return changes;
    }

    /**
     * The profile changed without an event of its own (a merge folded a loser in, an identifier
     * joined): re-evaluates its traits and audiences, the trigger naming the cause.
     */
    public List<AudienceTransition> onChange(ProfileState profile, String trigger, long now) {
        return evaluate(profile, null, trigger, now);
    }

    /** The definitions changed: re-evaluates the profile's traits and audiences at once. */
    public List<AudienceTransition> onDefinitionChange(ProfileState profile, long now) {
        return evaluate(profile, null, "definition_change", now);
    }

    /** Merges a loser's trait buckets into the winner (memberships are recomputed, not merged). */
    public void merge(ProfileState winner, ProfileState loser) {
        for (TraitDefinition trait : definitions.traits()) {
            TraitState from = loser.traitStates.get(trait.id());
            if (from != null) {
                TraitEngine.merge(trait, state(winner, trait), from);
            }
        }
    }

    /** The loser of a merge leaves every audience it was in. */
    public List<AudienceTransition> exitAll(ProfileState profile, String trigger, long now) {
        List<AudienceTransition> exits = new ArrayList<>();
        for (String audienceId : profile.audiences.keySet()) {
            AudienceDefinition audience = audience(audienceId);
            exits.add(
                    new AudienceTransition(
                            profile.id,
                            audienceId,
                            audience == null ? audienceId : audience.name(),
                            audience == null ? 0 : audience.version(),
                            false,
                            trigger,
                            now));
        }
        profile.audiences.clear();
        return exits;
    }

    private List<AudienceTransition> evaluate(
            ProfileState profile, EventFields event, String trigger, long now) {
        Plan plan = plan();
        Map<String, JsonNode> values = computeTraits(profile, plan, now);
        Fields fields = path -> field(path, profile, values, event);
        List<AudienceTransition> transitions = new ArrayList<>();
        long wake = Long.MAX_VALUE;
        for (TraitDefinition trait : plan.eventTraits()) {
            TraitState state = profile.traitStates.get(trait.id());
            if (state != null) {
                wake = Math.min(wake, TraitEngine.nextExpiry(trait, state, now));
            }
        }
        boolean identified = profile.count("user_id") > 0;
        for (AudiencePlan planned : plan.audiences()) {
            AudienceDefinition audience = planned.definition();
            boolean was = profile.audiences.containsKey(audience.id());
            // Conditions on the event itself are judged on events only, never on a wake-up.
            if (event != null || !planned.readsEvent()) {
                boolean is =
                        (audience.includeAnonymous() || identified)
                                && PredicateEvaluator.test(audience.condition(), fields, now);
                if (is != was) {
                    transitions.add(
                            new AudienceTransition(
                                    profile.id,
                                    audience.id(),
                                    audience.name(),
                                    audience.version(),
                                    is,
                                    trigger,
                                    now));
                    if (is) {
                        profile.audiences.put(audience.id(), now);
                    } else {
                        profile.audiences.remove(audience.id());
                    }
                }
            }
            if (!planned.readsEvent()) {
                if (planned.readsRelativeTime()) {
                    wake =
                            Math.min(
                                    wake,
                                    PredicateEvaluator.nextFlip(audience.condition(), fields, now));
                }
                for (ScoreThreshold threshold : planned.thresholds()) {
                    wake = Math.min(wake, nextScoreCrossing(threshold, profile, now));
                }
            }
        }
        Iterator<String> members = profile.audiences.keySet().iterator();
        while (members.hasNext()) {
            String member = members.next();
            if (!plan.audienceById().containsKey(member)) {
                transitions.add(
                        new AudienceTransition(
                                profile.id, member, member, 0, false, "definition_change", now));
                members.remove();
            }
        }
        profile.wakeAt = wake;
        return transitions;
    }

    /**
     * The profile as a snapshot to emit: a copy without the trait states, with the trait values. A
     * profile read back from state has no values ({@link ProfileState#storedWithoutValues}); if
     * this step did not evaluate it, they are computed again at the time they were last computed,
     * from trait states that have not changed since: the same values.
     */
    public ProfileState snapshot(ProfileState profile) {
        if (profile.traitValues.isEmpty() && profile.valuesAt != Long.MIN_VALUE) {
            Map<String, Double> numbers = new HashMap<>();
            for (TraitDefinition trait : definitions.traits()) {
                TraitState state = profile.traitStates.get(trait.id());
                JsonNode value =
                        value(
                                profile,
                                trait,
                                state == null ? new TraitState() : state,
                                numbers,
                                profile.valuesAt);
                record(profile, trait, value, numbers, null, null);
            }
        }
        return profile.copy();
    }

    /** Expires buckets and computes every trait at {@code now}, derived ones last. */
    private Map<String, JsonNode> computeTraits(ProfileState profile, Plan plan, long now) {
        // by field path (traits.<id>), as the conditions name them
        Map<String, JsonNode> values = new HashMap<>();
        Map<String, Double> numbers = new HashMap<>();
        profile.traitValues.clear();
        profile.valuesAt = now;
        for (TraitDefinition trait : definitions.traits()) {
            TraitState state = null;
            if (!NON_EVENT_TRAITS.contains(trait.type())) {
                state = state(profile, trait);
                TraitEngine.expire(trait, state, now);
            }
            record(
                    profile,
                    trait,
                    value(profile, trait, state, numbers, now),
                    numbers,
                    values,
                    plan.pathOf().get(trait.id()));
        }
        profile.traitStates
                .values()
                .removeIf(state -> state.buckets.isEmpty() && state.scoreTime == Long.MIN_VALUE);
        return values;
    }

    /** One trait's value at {@code now}; derived traits read the numbers computed before them. */
    private static JsonNode value(
            ProfileState profile,
            TraitDefinition trait,
            TraitState state,
            Map<String, Double> numbers,
            long now) {
        return switch (trait.type()) {
            case "identify_trait" -> identifyTrait(profile, trait.identifyPath());
            case "derived" -> {
                Double result = trait.expression().evaluate(numbers);
                yield result == null ? null : MAPPER.getNodeFactory().numberNode(result);
            }
            default -> TraitEngine.value(trait, state, now);
        };
    }

    /**
     * Keeps a computed value: as the profile's JSON text, as a number, and in {@code values} under
     * its field path.
     */
    private static void record(
            ProfileState profile,
            TraitDefinition trait,
            JsonNode value,
            Map<String, Double> numbers,
            Map<String, JsonNode> values,
            String path) {
        if (value == null) {
            return;
        }
        if (values != null) {
            values.put(path, value);
        }
        profile.traitValues.put(trait.id(), JsonText.of(value));
        if (value.isNumber()) {
            numbers.put(trait.id(), value.doubleValue());
        }
    }

    private static JsonNode field(
            String path, ProfileState profile, Map<String, JsonNode> values, EventFields event) {
        if (path.startsWith("traits.")) {
            return values.get(path);
        }
        if (path.equals("profile.first_seen_at") || path.equals("profile.last_seen_at")) {
            long time = path.endsWith("first_seen_at") ? profile.firstSeen : profile.lastSeen;
            return profile.eventCount == 0
                    ? null
                    : MAPPER.getNodeFactory().textNode(Instant.ofEpochMilli(time).toString());
        }
        if (path.startsWith("profile.")) {
            return identifyTrait(profile, path.substring("profile.".length()));
        }
        return event == null ? null : event.get(path);
    }

    private static JsonNode identifyTrait(ProfileState profile, String name) {
        TraitValue value = profile.traits.get(name);
        if (value == null) {
            return null;
        }
        try {
            return MAPPER.readTree(value.json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored identify trait holds invalid JSON", e);
        }
    }

    /** Collects the comparisons of a decayed score trait with a number, as a plan keeps them. */
    private static void collectThresholds(
            Predicate predicate, Map<String, TraitDefinition> scores, List<ScoreThreshold> into) {
        if (predicate instanceof Predicate.All all) {
            all.parts().forEach(p -> collectThresholds(p, scores, into));
        } else if (predicate instanceof Predicate.Any any) {
            any.parts().forEach(p -> collectThresholds(p, scores, into));
        } else if (predicate instanceof Predicate.Not not) {
            collectThresholds(not.part(), scores, into);
        } else {
            Predicate.Comparison c = (Predicate.Comparison) predicate;
            if (!c.field().startsWith("traits.") || c.value() == null || !c.value().isNumber()) {
                return;
            }
            TraitDefinition trait = scores.get(c.field().substring("traits.".length()));
            // a score is never negative: only a positive number can be decayed past
            if (trait != null && c.value().doubleValue() > 0) {
                into.add(
                        new ScoreThreshold(
                                trait.id(), trait.halfLife().toMillis(), c.value().doubleValue()));
            }
        }
    }

    /**
     * The earliest moment after {@code now} at which a decayed score compared with a threshold
     * decays past it ({@code S·2^(-(t-t0)/h) = θ} at {@code t = t0 + h·log2(S/θ)}, and past it a
     * millisecond later), rounded up to the minute; MAX_VALUE if none will.
     */
    private static long nextScoreCrossing(ScoreThreshold c, ProfileState profile, long now) {
        TraitState state = profile.traitStates.get(c.traitId());
        double threshold = c.threshold();
        if (state == null || state.scoreTime == Long.MIN_VALUE || state.score <= threshold) {
            return Long.MAX_VALUE;
        }
        double halfLives = Math.log(state.score / threshold) / Math.log(2);
        // the first millisecond after the score meets the threshold: at it, gte still holds
        long crossing = state.scoreTime + (long) Math.ceil(c.halfLife() * halfLives) + 1;
        if (crossing <= now) {
            return Long.MAX_VALUE;
        }
        return -Math.floorDiv(-crossing, 60_000L) * 60_000L;
    }

    /** True when a comparison of the predicate is relative to the time of evaluation. */
    private static boolean readsRelativeTime(Predicate predicate) {
        return anyComparison(predicate, c -> c.op().isRelativeTime());
    }

    private static boolean readsEvent(Predicate predicate) {
        return anyComparison(predicate, c -> c.field().startsWith("event."));
    }

    /** True when some comparison of the predicate, however deep, meets the test. */
    private static boolean anyComparison(
            Predicate predicate, java.util.function.Predicate<Predicate.Comparison> test) {
        if (predicate instanceof Predicate.All all) {
            return all.parts().stream().anyMatch(p -> anyComparison(p, test));
        }
        if (predicate instanceof Predicate.Any any) {
            return any.parts().stream().anyMatch(p -> anyComparison(p, test));
        }
        if (predicate instanceof Predicate.Not not) {
            return anyComparison(not.part(), test);
        }
        return test.test((Predicate.Comparison) predicate);
    }

    private AudienceDefinition audience(String id) {
        return plan().audienceById().get(id);
    }

    private static TraitState state(ProfileState profile, TraitDefinition trait) {
        return profile.traitStates.computeIfAbsent(trait.id(), id -> new TraitState());
    }
}
