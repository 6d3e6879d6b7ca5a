package io.tessera.identity;

import java.io.IOException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The forms of the profile ids the identity stage gives, for the compact state forms. The short
 * form ({@link IdentityKeys#profileId}), {@code p<14 characters of base64url>}, is written as its
 * digest's ten bytes; the timed form of the releases before ({@link IdentityKeys#timedProfileId}),
 * {@code p_<creation time>_<16 hex digits of a digest>}, as its creation time and its digest's
 * eight bytes; any other id as its text.
 */
final class ProfileIdForm {
    static final int DIGEST = 8;

    /** The bytes of a short id's digest. */
    static final int SHORT_DIGEST = 10;

    private static final String PREFIX = "p_";
    private static final HexFormat HEX = HexFormat.of();
    private static final char SHORT_PREFIX = 'p';
    private static final int SHORT_LENGTH = 1 + 14;
    private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder BASE64_READER = Base64.getUrlDecoder();

    /** The short id of a digest's first {@link #SHORT_DIGEST} bytes. */
    static String shortId(byte[] digest) {
        return SHORT_PREFIX + BASE64.encodeToString(Arrays.copyOf(digest, SHORT_DIGEST));
    }

    /** The digest of an id of the short form; null for any other id. */
    static byte[] shortDigestOf(String id) {
        if (id == null || id.length() != SHORT_LENGTH || id.charAt(0) != SHORT_PREFIX) {
            return null;
        }
        for (int i = 1; i < SHORT_LENGTH; i++) {
            char c = id.charAt(i);
            boolean base64url =
                    (c >= 'A' && c <= 'Z')
                            || (c >= 'a' && c <= 'z')
                            || (c >= '0' && c <= '9')
                            || c == '-'
                            || c == '_';
            if (!base64url) {
                return null;
            }
        }
        byte[] digest = BASE64_READER.decode(id.substring(1));
        // (the last character carries two bits: one with any of its other four set is not the form)
        return shortId(digest).equals(id) ? digest : null;
    }

    /** Writes a short id's digest ({@link #shortDigestOf}). */
    static void writeShort(byte[] digest, DataOutputView out) throws IOException {
        out.write(digest, 0, SHORT_DIGEST);
    }

    /** Reads what {@link #writeShort} wrote. */
    static String readShort(DataInputView in) throws IOException {
        byte[] digest = new byte[SHORT_DIGEST];
        in.readFully(digest);
        return shortId(digest);
    }

    private ProfileIdForm() {}

    /** The digest of an id of the form for that creation time; null for any other id. */
    static byte[] digestOf(String id, long createdAt) {
        String prefix = PREFIX + createdAt + "_";
        if (id == null || id.length() != prefix.length() + 2 * DIGEST || !id.startsWith(prefix)) {
            return null;
        }
        String hex = id.substring(prefix.length());
        for (int i = 0; i < hex.length(); i++) {
            char c = hex.charAt(i);
            if (!(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f')) {
                return null; // (only what HexFormat writes: lower-case ASCII)
            }
        }
        return HEX.parseHex(hex);
    }

    /** The creation time an id of the form names; null for any other id. */
    static Long createdAtOf(String id) {
        if (id == null || !id.startsWith(PREFIX)) {
            return null;
        }
        int end = id.length() - 2 * DIGEST - 1;
        if (end <= PREFIX.length() || id.charAt(end) != '_') {
            return null;
        }
        try {
            long createdAt = Long.parseLong(id, PREFIX.length(), end, 10);
            return digestOf(id, createdAt) == null ? null : createdAt;
        } catch (NumberFormatException e) {
            return null; // not an id of the form: written as its text
        }
    }

    /** The id of the form for a creation time and a digest. */
    static String id(long createdAt, byte[] digest) {
        return PREFIX + createdAt + "_" + HEX.formatHex(digest);
    }

    /**
     * Writes an id whose creation time is written apart: the digest's eight bytes when it has the
     * form ({@code digest} from {@link #digestOf}, which a flag beside it records), else its text.
     */
    static void write(String id, byte[] digest, DataOutputView out) throws IOException {
        if (digest != null) {
            out.write(digest);
        } else {
            StringValue.writeString(id, out);
        }
    }

    /** Reads what {@link #write} wrote, {@code derived} being whether it had the form. */
    static String read(boolean derived, long createdAt, DataInputView in) throws IOException {
        if (!derived) {
            return StringValue.readString(in);
        }
        byte[] digest = new byte[DIGEST];
        in.readFully(digest);
        return id(createdAt, digest);
    }
}
