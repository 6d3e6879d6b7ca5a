package io.tessera.identity.distributed;

import io.tessera.identity.IdentifierType;
import io.tessera.identity.IdentityRules;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The rules a merge must keep, as the Cluster actor checks them: unique types, per-type limits and
 * the size cap. Every loser asks its winner first (propose, accept or reject), so no merge breaks a
 * rule, as in single mode.
 *
 * @param uniqueTypes types a profile holds at most one value of
 * @param limits most values of a type
 * @param otherLimit limit of types not named
 * @param sizeCap most identifiers in one profile
 * @param quarantineAfter refused links blamed on an identifier after which it is quarantined: it
 *     takes no part in linking any more
 * @param priorities each type's priority (1 is the highest): a refusal is blamed on the weaker
 *     identifier of the pair
 * @param otherPriority the priority of types not named
 */
public record MergeRules(
        Set<String> uniqueTypes,
        Map<String, Integer> limits,
        int otherLimit,
        int sizeCap,
        int quarantineAfter,
        Map<String, Integer> priorities,
        int otherPriority)
        implements Serializable {

    /** Rules whose types are all of one priority. */
    public MergeRules(
            Set<String> uniqueTypes,
            Map<String, Integer> limits,
            int otherLimit,
            int sizeCap,
            int quarantineAfter) {
        this(uniqueTypes, limits, otherLimit, sizeCap, quarantineAfter, Map.of(), 0);
    }

    /** Rules that never quarantine. */
    public MergeRules(
            Set<String> uniqueTypes, Map<String, Integer> limits, int otherLimit, int sizeCap) {
        this(uniqueTypes, limits, otherLimit, sizeCap, Integer.MAX_VALUE);
    }

    /** No rules at all: every link merges (the connected components). */
    public static MergeRules none() {
        return new MergeRules(Set.of(), Map.of(), Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /** The rules of the identity settings. */
    public static MergeRules of(IdentityRules rules) {
        Set<String> unique = new TreeSet<>();
        Map<String, Integer> limits = new TreeMap<>();
        Map<String, Integer> priorities = new TreeMap<>();
        for (IdentifierType type : rules.types().values()) {
            if (type.unique()) {
                unique.add(type.name());
            }
            limits.put(type.name(), type.limit());
            priorities.put(type.name(), type.priority());
        }
        return new MergeRules(
                unique,
                limits,
                rules.otherType().limit(),
                rules.sizeCap(),
                rules.quarantineAfter(),
                priorities,
                rules.otherType().priority());
    }

    /** The priority of a type (1 is the highest). */
    public int priority(String type) {
        return priorities.getOrDefault(type, otherPriority);
    }

    /** The most values of the type one profile may hold. */
    public int limit(String type) {
        return limits.getOrDefault(type, otherLimit);
    }

    /** The type of an identifier key {@code type:value}. */
    public static String typeOf(String identifier) {
        return identifier.substring(0, identifier.indexOf(':'));
    }
}
