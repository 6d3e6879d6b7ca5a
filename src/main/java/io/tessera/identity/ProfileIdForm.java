package io.tessera.identity;

import java.io.IOException;
import java.util.HexFormat;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The form of the profile ids the identity stage gives ({@link IdentityKeys#profileId}): {@code
 * p_<creation time>_<16 hex digits of a digest>}. A compact state form writes such an id as its
 * creation time and the digest's eight bytes, and any other id as its text.
 */
final class ProfileIdForm {
    static final int DIGEST = 8;

    private static final String PREFIX = "p_";
    private static final HexFormat HEX = HexFormat.of();

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
