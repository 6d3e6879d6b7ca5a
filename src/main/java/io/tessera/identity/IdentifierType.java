package io.tessera.identity;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * How one identifier type takes part in identity resolution (identity.md, "Identifier types").
 *
 * @param name the type name, e.g. {@code email}
 * @param priority 1 is the highest; an event is credited to its highest-priority identifier
 * @param unique a profile never holds two values of a unique type
 * @param linking whether the type may link two profiles
 * @param limit most values of this type in one profile
 * @param expiring whether directory entries of this type expire when not seen (TTL class)
 * @param validation a regex every value must match to be admitted, or null
 */
public record IdentifierType(
        String name,
        int priority,
        boolean unique,
        boolean linking,
        int limit,
        boolean expiring,
        String validation)
        implements Serializable {

    /** True when the value may be admitted as an identifier of this type. */
    public boolean admits(String value) {
        return validation == null || Pattern.compile(validation).matcher(value).matches();
    }
}
