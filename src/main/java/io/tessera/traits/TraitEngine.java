package io.tessera.traits;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.tessera.definitions.PredicateEvaluator;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Computes traits incrementally (definitions.md, "Traits"): adds events into buckets, expires
 * buckets by the normative rule (an event in {@code [b, b+g)} counts at time t iff {@code t < b + g
 * + W}: never early, at most one granularity late), reads values, tells when a value can next
 * change, and merges two profiles' states bucket by bucket. Plain Java, no Flink types.
 */
public final class TraitEngine {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TraitEngine() {}

    /** True when the event is one the trait counts. */
    public static boolean counts(TraitDefinition trait, EventFields event) {
        String type = event.event().type();
        boolean typeMatches =
                "*".equals(trait.eventType())
                        ? "track".equals(type) || "page".equals(type) || "screen".equals(type)
                        : trait.eventType().equals(type);
        if (!typeMatches) {
            return false;
        }
        if (!"*".equals(trait.eventName()) && !trait.eventName().equals(event.event().event())) {
            return false;
        }
        return trait.where() == null
                || PredicateEvaluator.test(trait.where(), event, event.event().eventTime());
    }

    /**
     * Adds a counted event at time {@code now}. An event whose bucket has already expired at {@code
     * now} (very late) changes nothing. Returns whether the state changed.
     */
    public static boolean add(
            TraitDefinition trait, TraitState state, EventFields event, long now) {
        long time = event.event().eventTime();
        if ("decayed_score".equals(trait.type())) {
            addScore(trait, state, time);
            return true;
        }
        long bucket = bucketOf(trait, time);
        if (trait.isSliding() && expiry(trait, bucket) <= now) {
            return false;
        }
        Double number = null;
        String value = null;
        switch (trait.type()) {
            case "aggregation" -> {
                number = number(event.get(trait.property()));
                if (number == null) {
                    // An event without the number does not take part in the aggregate.
                    return false;
                }
            }
            case "most_frequent", "first", "last", "unique_list", "unique_count" -> {
                value = text(event.get(trait.property()));
                if (value == null) {
                    return false;
                }
            }
            case "active_days" ->
                    value =
                            Instant.ofEpochMilli(time)
                                    .atZone(ZoneOffset.UTC)
                                    .toLocalDate()
                                    .toString();
            case "first_seen_at", "last_seen_at" -> value = "";
            default -> {}
        }
        state.buckets.computeIfAbsent(bucket, b -> new Bucket()).add(time, number, value);
        return true;
    }

    /** Drops the buckets expired at {@code now}; returns whether any was dropped. */
    public static boolean expire(TraitDefinition trait, TraitState state, long now) {
        if (!trait.isSliding()) {
            return false;
        }
        boolean dropped = false;
        Iterator<Long> buckets = state.buckets.keySet().iterator();
        while (buckets.hasNext()) {
            if (expiry(trait, buckets.next()) <= now) {
                buckets.remove();
                dropped = true;
            }
        }
        return dropped;
    }

    /** The next moment after {@code now} at which a bucket expires; MAX_VALUE if none will. */
    public static long nextExpiry(TraitDefinition trait, TraitState state, long now) {
        long next = Long.MAX_VALUE;
        if (trait.isSliding()) {
            for (long bucket : state.buckets.keySet()) {
                long expiry = expiry(trait, bucket);
                if (expiry > now) {
                    next = Math.min(next, expiry);
                }
            }
        }
        return next;
    }

    /**
     * The trait's value at {@code now}: a number, text, list or timestamp; null when there is none
     * (no event yet, or a most frequent value seen fewer than minFrequency times). Expired buckets
     * are left out even when {@link #expire} has not run yet.
     */
    public static JsonNode value(TraitDefinition trait, TraitState state, long now) {
        Bucket all = counted(trait, state, now);
        return switch (trait.type()) {
            case "event_counter" -> NODES.numberNode(all.count);
            case "aggregation" -> aggregate(trait.fn(), all);
            case "most_frequent" -> mostFrequent(all, trait.minFrequency());
            case "first" -> all.firstValue == null ? null : NODES.textNode(all.firstValue);
            case "last" -> all.lastValue == null ? null : NODES.textNode(all.lastValue);
            case "first_seen_at" ->
                    all.firstValue == null
                            ? null
                            : NODES.textNode(Instant.ofEpochMilli(all.firstTime).toString());
            case "last_seen_at" ->
                    all.lastValue == null
                            ? null
                            : NODES.textNode(Instant.ofEpochMilli(all.lastTime).toString());
            case "unique_list" -> uniqueList(all, trait.maxDistinct());
            case "unique_count" ->
                    NODES.numberNode(Math.min(all.values.size(), trait.maxDistinct()));
            case "active_days" -> NODES.numberNode(all.values.size());
            case "decayed_score" ->
                    state.scoreTime == Long.MIN_VALUE
                            ? NODES.numberNode(0.0)
                            : NODES.numberNode(decay(trait, state.score, now - state.scoreTime));
            default -> null;
        };
    }

    /**
     * The buckets that count at {@code now} as one: the bucket itself when only one counts (a
     * lifetime trait's, or a window with one live bucket), which is only read; else a merge.
     */
    private static Bucket counted(TraitDefinition trait, TraitState state, long now) {
        Bucket only = null;
        Bucket all = null;
        for (Map.Entry<Long, Bucket> entry : state.buckets.entrySet()) {
            if (trait.isSliding() && expiry(trait, entry.getKey()) <= now) {
                continue;
            }
            if (only == null) {
                only = entry.getValue();
            } else {
                if (all == null) {
                    all = new Bucket();
                    all.merge(only);
                }
                all.merge(entry.getValue());
            }
        }
        if (all != null) {
            return all;
        }
        return only != null ? only : new Bucket();
    }

    /** Merges another profile's state of the same trait into {@code into}. */
    public static void merge(TraitDefinition trait, TraitState into, TraitState from) {
        from.buckets.forEach(
                (start, bucket) ->
                        into.buckets.computeIfAbsent(start, b -> new Bucket()).merge(bucket));
        if (from.scoreTime != Long.MIN_VALUE) {
            if (into.scoreTime == Long.MIN_VALUE) {
                into.score = from.score;
                into.scoreTime = from.scoreTime;
            } else {
                long at = Math.max(into.scoreTime, from.scoreTime);
                into.score =
                        decay(trait, into.score, at - into.scoreTime)
                                + decay(trait, from.score, at - from.scoreTime);
                into.scoreTime = at;
            }
        }
    }

    /** The start of the bucket of an event time. */
    static long bucketOf(TraitDefinition trait, long time) {
        if (!trait.isSliding()) {
            return TraitState.LIFETIME;
        }
        long g = trait.granularity().toMillis();
        return Math.floorDiv(time, g) * g;
    }

    /** When a bucket stops counting: {@code b + g + W}. */
    static long expiry(TraitDefinition trait, long bucket) {
        return bucket + trait.granularity().toMillis() + trait.window().toMillis();
    }

    private static void addScore(TraitDefinition trait, TraitState state, long time) {
        if (state.scoreTime == Long.MIN_VALUE) {
            state.score = trait.weight();
            state.scoreTime = time;
        } else if (time >= state.scoreTime) {
            state.score = decay(trait, state.score, time - state.scoreTime) + trait.weight();
            state.scoreTime = time;
        } else {
            // A late event adds its weight as already decayed to the score's time.
            state.score += decay(trait, trait.weight(), state.scoreTime - time);
        }
    }

    private static double decay(TraitDefinition trait, double score, long elapsed) {
        return score * Math.pow(2, -(double) elapsed / trait.halfLife().toMillis());
    }

    private static JsonNode aggregate(String fn, Bucket all) {
        if (all.count == 0) {
            return "sum".equals(fn) ? NODES.numberNode(0.0) : null;
        }
        return switch (fn) {
            case "sum" -> NODES.numberNode(all.sum);
            case "avg" -> NODES.numberNode(all.sum / all.count);
            case "min" -> NODES.numberNode(all.min);
            default -> NODES.numberNode(all.max);
        };
    }

    private static JsonNode mostFrequent(Bucket all, int minFrequency) {
        String best = null;
        long bestCount = 0;
        // Values are sorted: a tie keeps the alphabetically first.
        for (Map.Entry<String, Long> entry : sorted(all.values).entrySet()) {
            if (entry.getValue() > bestCount) {
                best = entry.getKey();
                bestCount = entry.getValue();
            }
        }
        return best != null && bestCount >= minFrequency ? NODES.textNode(best) : null;
    }

    private static JsonNode uniqueList(Bucket all, int maxDistinct) {
        ArrayNode list = NODES.arrayNode();
        for (String value : sorted(all.values).keySet()) {
            if (list.size() >= maxDistinct) {
                break;
            }
            list.add(value);
        }
        return list;
    }

    /** The values in their natural order: as they are when kept in a plain tree map. */
    private static SortedMap<String, Long> sorted(Map<String, Long> values) {
        if (values instanceof TreeMap<String, Long> tree && tree.comparator() == null) {
            return tree;
        }
        return new TreeMap<>(values);
    }

    private static Double number(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.asText().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull() || node.isContainerNode()) {
            return null;
        }
        return node.asText();
    }
}
