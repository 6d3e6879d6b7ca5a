package io.tessera.identity.distributed;

import io.tessera.identity.IdentityKeys;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;

/**
 * Identifiers of distributed mode carry their tenant, so two tenants never share a Directory entry,
 * a cluster or a profile: {@code type:tenant<RS>value} (RS, the record separator U+001E, before the
 * value). The type stays in front, so the merge rules read it as they do in single mode. The
 * default tenant's identifiers stay as they are ({@code type:value}), unless the value itself holds
 * the separator; then the tenant is written too, so parsing never guesses.
 */
public final class TenantKeys {
    private static final char SEPARATOR = '\u001E';

    private TenantKeys() {}

    /** The key of an identifier of a tenant. */
    public static String of(String tenant, Identifier identifier) {
        if (CustomerEvent.DEFAULT_TENANT.equals(tenant)
                && identifier.value().indexOf(SEPARATOR) < 0) {
            return IdentityKeys.of(identifier);
        }
        return identifier.type() + ":" + tenant + SEPARATOR + identifier.value();
    }

    /** The tenant of a key. */
    public static String tenantOf(String key) {
        int colon = key.indexOf(':');
        int separator = key.indexOf(SEPARATOR, colon + 1);
        return separator < 0 ? CustomerEvent.DEFAULT_TENANT : key.substring(colon + 1, separator);
    }

    /** The key without its tenant, {@code type:value}, as single mode writes it. */
    public static String plain(String key) {
        int colon = key.indexOf(':');
        int separator = key.indexOf(SEPARATOR, colon + 1);
        return separator < 0 ? key : key.substring(0, colon + 1) + key.substring(separator + 1);
    }

    /** The identifier of a key, without its tenant. */
    public static Identifier identifier(String key) {
        return IdentityKeys.parse(plain(key));
    }

    /** The profile id of a cluster: single mode's, from its tenant, time and founder. */
    public static String profileId(ClusterId cluster) {
        return IdentityKeys.profileId(
                tenantOf(cluster.founder()), cluster.createdAt(), plain(cluster.founder()));
    }

    /**
     * The profile id of a cluster in the timed form of the releases before 2026-12-05, which a job
     * upgraded from one of their savepoints keeps giving.
     */
    public static String timedProfileId(ClusterId cluster) {
        return IdentityKeys.timedProfileId(
                tenantOf(cluster.founder()), cluster.createdAt(), plain(cluster.founder()));
    }
}
