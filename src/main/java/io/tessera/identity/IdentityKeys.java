package io.tessera.identity;

import io.tessera.model.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/** Keys of the identity graph: identifiers as {@code type:value}, and profile ids. */
public final class IdentityKeys {
    private IdentityKeys() {}

    /** The directory key of an identifier. */
    public static String of(Identifier identifier) {
        return identifier.type() + ":" + identifier.value();
    }

    /** The identifier of a directory key (types never contain a colon; values may). */
    public static Identifier parse(String key) {
        int colon = key.indexOf(':');
        return new Identifier(key.substring(0, colon), key.substring(colon + 1));
    }

    /**
     * A profile id: stable, never reused, and free of identifier values. The letter {@code p} and
     * 80 bits of a digest of the tenant, the founding identifier and the creation time, in
     * base64url, e.g. {@code pY82jghs4iZeQcQ}: 15 characters, in the key of every entry the stages
     * keep for a profile. Two of a billion profiles share one with odds of about 4 in
     * 10<sup>7</sup>.
     */
    public static String profileId(String tenant, long createdAt, String founder) {
        return ProfileIdForm.shortId(
                sha256(tenant + "\n" + founder + "\n" + createdAt, ProfileIdForm.SHORT_DIGEST));
    }

    /**
     * A profile id of the timed form, the releases' before 2026-12-05 (32 characters): the creation
     * time and a digest of the tenant and founding identifier, e.g. {@code
     * p_1735725600000_3f2a9c0d41b7e6a1}. Distributed identity keeps giving these after an upgrade
     * from a savepoint of those releases, since it derives a profile's id from its cluster's.
     */
    public static String timedProfileId(String tenant, long createdAt, String founder) {
        return "p_"
                + createdAt
                + "_"
                + HexFormat.of().formatHex(sha256(tenant + "\n" + founder, ProfileIdForm.DIGEST));
    }

    private static byte[] sha256(String text, int bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return Arrays.copyOf(sha.digest(text.getBytes(StandardCharsets.UTF_8)), bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
