package io.tessera.ingest;

import io.tessera.model.Identifier;
import java.util.Arrays;
import java.util.List;

/**
 * What the events of one key have named: a 64-bit digest of each identifier, the latest {@link
 * #KEPT} of them. An event whose identifiers were all named before most likely links nothing new,
 * so distributed identity sends it straight to its anchor's profile (which checks that it holds
 * them all, so a digest that collides or an identifier that moved costs a detour, never a wrong
 * profile).
 */
public final class NamedIdentifiers {
    /** The digests kept per key: a shared kiosk's key names many people. */
    public static final int KEPT = 16;

    private NamedIdentifiers() {}

    /**
     * The digests after an event.
     *
     * @param named the digests kept so far (null: none)
     * @return the digests to keep, the same array when the event named nothing new
     */
    public static long[] after(long[] named, List<Identifier> identifiers) {
        long[] kept = named == null ? new long[0] : named;
        for (Identifier identifier : identifiers) {
            long digest = digest(identifier);
            if (!contains(kept, digest)) {
                long[] grown =
                        Arrays.copyOfRange(
                                kept, Math.max(0, kept.length + 1 - KEPT), kept.length + 1);
                grown[grown.length - 1] = digest;
                kept = grown;
            }
        }
        return kept;
    }

    /** Whether every identifier of the event is among the digests (an event with none: false). */
    public static boolean allNamed(long[] named, List<Identifier> identifiers) {
        if (named == null || identifiers.isEmpty()) {
            return false;
        }
        for (Identifier identifier : identifiers) {
            if (!contains(named, digest(identifier))) {
                return false;
            }
        }
        return true;
    }

    private static boolean contains(long[] digests, long digest) {
        for (long d : digests) {
            if (d == digest) {
                return true;
            }
        }
        return false;
    }

    /** FNV-1a over the type, a separator and the value. */
    static long digest(Identifier identifier) {
        long hash = 0xcbf29ce484222325L;
        hash = mix(hash, identifier.type());
        hash = (hash ^ 0x1F) * 0x100000001b3L;
        return mix(hash, identifier.value());
    }

    private static long mix(long hash, String text) {
        for (int i = 0; i < text.length(); i++) {
            hash = (hash ^ text.charAt(i)) * 0x100000001b3L;
        }
        return hash;
    }
}
