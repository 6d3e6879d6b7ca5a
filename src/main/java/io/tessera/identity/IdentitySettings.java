package io.tessera.identity;

import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import java.io.Serializable;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.flink.configuration.Configuration;

/**
 * The identity stage's validated settings.
 *
 * @param mode how the graph is kept
 * @param rules identifier types and merge rules
 * @param expiringTtl directory TTL of expiring types
 * @param loopAllowance distributed mode: how far the protocol's event time is held back, or null
 *     for the default of the loop's writes
 * @param loopWrites distributed mode: how the loop topic is written
 */
public record IdentitySettings(
        IdentityOptions.IdentityMode mode,
        IdentityRules rules,
        Duration expiringTtl,
        Duration loopAllowance,
        IdentityOptions.LoopWrites loopWrites)
        implements Serializable {

    /**
     * What a stamped loop holds event time back by, unless set: a few loop crossings under load.
     */
    public static final Duration STAMPED_LOOP_ALLOWANCE = Duration.ofSeconds(2);

    /**
     * How far the protocol's event time is held back: as set, else three checkpoint intervals for a
     * transactional loop (a merge that needs a lock takes three loop trips, each committed with a
     * checkpoint), {@link #STAMPED_LOOP_ALLOWANCE} for a stamped one.
     */
    public Duration loopAllowance(Duration checkpointInterval) {
        if (loopAllowance != null) {
            return loopAllowance;
        }
        return loopWrites == IdentityOptions.LoopWrites.STAMPED
                ? STAMPED_LOOP_ALLOWANCE
                : checkpointInterval.multipliedBy(3);
    }

    /** The longest an event's identifiers stay marked as named by its key: a month. */
    public static final Duration NAMED_FRESH_MAX = Duration.ofDays(30);

    /**
     * Distributed mode: how long deduplication's list of what a key named lasts before the key's
     * next event goes through its Gather again ({@code NamedIdentifiers}), or null in single mode.
     * Half the directory TTL of expiring types at most: an event sent straight to its anchor reads
     * only the anchor's Directory entry, so the others are read at least this often.
     */
    public Duration namedFresh() {
        if (mode != IdentityOptions.IdentityMode.DISTRIBUTED) {
            return null;
        }
        Duration half = expiringTtl.dividedBy(2);
        return half.compareTo(NAMED_FRESH_MAX) < 0 ? half : NAMED_FRESH_MAX;
    }

    /** Reads and validates the identity options. */
    public static IdentitySettings from(Configuration config) {
        List<String> priorities = Checks.get(config, IdentityOptions.PRIORITIES);
        List<String> unique = Checks.get(config, IdentityOptions.UNIQUE_TYPES);
        List<String> nonLinking = Checks.get(config, IdentityOptions.NON_LINKING_TYPES);
        List<String> expiring = Checks.get(config, IdentityOptions.EXPIRING_TYPES);
        Map<String, Integer> limits = limits(Checks.get(config, IdentityOptions.TYPE_LIMITS));
        Map<String, String> validation = validation(config);

        Map<String, IdentifierType> types = new HashMap<>();
        java.util.Set<String> named = new java.util.TreeSet<>(priorities);
        named.addAll(unique);
        named.addAll(nonLinking);
        named.addAll(expiring);
        named.addAll(limits.keySet());
        named.addAll(validation.keySet());
        named.remove(IdentityOptions.OTHER_TYPES);
        int otherPriority = priorities.size() + 1;
        int otherLimit = limits.getOrDefault(IdentityOptions.OTHER_TYPES, 10);
        for (String name : named) {
            int index = priorities.indexOf(name);
            types.put(
                    name,
                    new IdentifierType(
                            name,
                            index < 0 ? otherPriority : index + 1,
                            unique.contains(name),
                            !nonLinking.contains(name),
                            limits.getOrDefault(name, otherLimit),
                            expiring.contains(name),
                            validation.get(name)));
        }
        IdentifierType other =
                new IdentifierType(
                        IdentityOptions.OTHER_TYPES,
                        otherPriority,
                        false,
                        true,
                        otherLimit,
                        false,
                        null);
        int sizeCap = Checks.positive(config, IdentityOptions.PROFILE_SIZE_CAP);
        int quarantineAfter = Checks.positive(config, IdentityOptions.QUARANTINE_AFTER);
        return new IdentitySettings(
                Checks.get(config, IdentityOptions.MODE),
                new IdentityRules(Map.copyOf(types), other, sizeCap, quarantineAfter),
                Checks.positiveDuration(config, IdentityOptions.EXPIRING_TTL),
                config.getOptional(IdentityOptions.LOOP_ALLOWANCE).isPresent()
                        ? Checks.nonNegative(config, IdentityOptions.LOOP_ALLOWANCE)
                        : null,
                Checks.get(config, IdentityOptions.LOOP_WRITES));
    }

    private static Map<String, Integer> limits(Map<String, String> raw) {
        Map<String, Integer> limits = new HashMap<>();
        raw.forEach(
                (type, value) -> {
                    try {
                        int limit = Integer.parseInt(value.trim());
                        if (limit < 1) {
                            throw new NumberFormatException();
                        }
                        limits.put(type.trim(), limit);
                    } catch (NumberFormatException e) {
                        throw new InvalidOptionException(
                                IdentityOptions.TYPE_LIMITS.key(),
                                "the limit of "
                                        + type
                                        + " must be a positive whole number, got '"
                                        + value
                                        + "'");
                    }
                });
        return limits;
    }

    /** Per-type validation regexes, {@code cdp.identity.validation.<type>}. */
    public static Map<String, String> validation(Configuration config) {
        Map<String, String> validation = new HashMap<>();
        config.toMap()
                .forEach(
                        (key, regex) -> {
                            if (key.startsWith(IdentityOptions.VALIDATION_PREFIX)) {
                                try {
                                    Pattern.compile(regex);
                                } catch (PatternSyntaxException e) {
                                    throw new InvalidOptionException(key, e.getDescription());
                                }
                                validation.put(
                                        key.substring(IdentityOptions.VALIDATION_PREFIX.length()),
                                        regex);
                            }
                        });
        return validation;
    }
}
