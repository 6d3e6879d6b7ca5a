package io.tessera.identity;

import io.tessera.model.Identifier;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The merge rules of identity.md over a registry of identifier types: unique types, per-type
 * limits, the profile size cap and quarantine. Pure decisions, no state.
 *
 * @param types the configured types by name
 * @param otherType the type of any identifier type not configured (external ids)
 * @param sizeCap most identifiers in one profile
 * @param quarantineAfter rejections after which an identifier is quarantined
 */
public record IdentityRules(
        Map<String, IdentifierType> types,
        IdentifierType otherType,
        int sizeCap,
        int quarantineAfter)
        implements Serializable {

    /** Why a link was refused: the rule ({@code unique}, {@code limit}, {@code size_cap}). */
    public record Refusal(String rule, String detail) {}

    /** The type of an identifier, configured or the default for other types. */
    public IdentifierType type(String name) {
        IdentifierType type = types.get(name);
        return type != null ? type : otherType;
    }

    /** True when the identifier may take part in resolution at all (validation regex). */
    public boolean admits(Identifier identifier) {
        return type(identifier.type()).admits(identifier.value());
    }

    /** Why the identifier may not join the profile, or null when it may. */
    public Refusal refuseJoin(ProfileState profile, Identifier identifier) {
        // Counted by the identifier's own type: types not configured share the limit of
        // 'other', not one count.
        String name = identifier.type();
        IdentifierType type = type(name);
        int held = profile.count(name);
        if (type.unique() && held > 0) {
            return new Refusal("unique", name + " is unique and the profile already has one");
        }
        if (held + 1 > type.limit()) {
            return new Refusal("limit", "the profile already has " + type.limit() + " " + name);
        }
        if (profile.size() + 1 > sizeCap) {
            return new Refusal("size_cap", "the profile already has " + sizeCap + " identifiers");
        }
        return null;
    }

    /** Why two profiles may not merge, or null when they may. */
    public Refusal refuseMerge(ProfileState a, ProfileState b) {
        Map<String, List<String>> mine = a.identifiersByType();
        Map<String, List<String>> theirs = b.identifiersByType();
        for (Map.Entry<String, List<String>> entry : mine.entrySet()) {
            IdentifierType type = type(entry.getKey());
            List<String> other = theirs.get(entry.getKey());
            if (other == null) {
                continue;
            }
            if (type.unique()) {
                return new Refusal("unique", "both profiles have a different " + entry.getKey());
            }
            int together = entry.getValue().size() + other.size();
            if (together > type.limit()) {
                return new Refusal(
                        "limit",
                        "together they would have "
                                + together
                                + " "
                                + entry.getKey()
                                + ", the limit is "
                                + type.limit());
            }
        }
        int size = a.size() + b.size();
        if (size > sizeCap) {
            return new Refusal(
                    "size_cap",
                    "together they would have " + size + " identifiers, the cap is " + sizeCap);
        }
        return null;
    }

    /** True when the type may link two profiles. */
    public boolean links(String typeName) {
        return type(typeName).linking();
    }
}
