package io.tessera.identity;

import io.tessera.model.Identifier;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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
     * A profile id: stable, never reused, and free of identifier values. It names the creation time
     * and a digest of the tenant and founding identifier, e.g. {@code
     * p_1735725600000_3f2a9c0d41b7e6a1}.
     */
    public static String profileId(String tenant, long createdAt, String founder) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest = sha.digest((tenant + "\n" + founder).getBytes(StandardCharsets.UTF_8));
            return "p_" + createdAt + "_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
