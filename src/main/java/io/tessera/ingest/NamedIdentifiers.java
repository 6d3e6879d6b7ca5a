package io.tessera.ingest;

import io.tessera.model.Identifier;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the events of one key have named: a 64-bit digest of each identifier (the latest {@link
 * #KEPT}), and when, on the clock, the key last named a new one. An event whose identifiers were
 * all named before, longer than {@link #SETTLED} ago, most likely links nothing new, so distributed
 * identity sends it straight to its anchor's profile. That profile checks that it holds them all,
 * so a digest that collides, an identifier that moved or a merge still under way costs a detour
 * through a Gather, never a wrong profile; the wait keeps a visitor's first burst of events, read
 * while the merges of its new identifiers are under way, off the path that would detour.
 *
 * <p>Kept as one array: the clock time first, then the digests.
 */
public final class NamedIdentifiers {
    /** The digests kept per key: a shared kiosk's key names many people. */
    public static final int KEPT = 16;

    /** How long after a key named a new identifier its events keep taking the Gather path. */
    public static final Duration SETTLED = Duration.ofSeconds(2);

    private NamedIdentifiers() {}

    /**
     * What the key keeps after an event.
     *
     * @param named what it kept so far (null: nothing)
     * @param now the clock's time
     * @return what to keep, the same array when the event named nothing new
     */
    public static long[] after(long[] named, List<Identifier> identifiers, long now) {
        long[] kept = named == null ? new long[] {now} : named;
        for (Identifier identifier : identifiers) {
            long digest = digest(identifier);
            if (!contains(kept, digest)) {
                int digests = Math.min(kept.length - 1, KEPT - 1);
                long[] grown = new long[digests + 2];
                System.arraycopy(kept, kept.length - digests, grown, 1, digests);
                grown[grown.length - 1] = digest;
                kept = grown;
            }
        }
        if (kept != named) {
            kept[0] = now;
        }
        return kept;
    }

    /**
     * Whether every identifier of the event was named before, the last new one at least {@link
     * #SETTLED} before {@code now} (an event with no identifier: false).
     */
    public static boolean allNamed(long[] named, List<Identifier> identifiers, long now) {
        if (named == null || identifiers.isEmpty() || now - named[0] < SETTLED.toMillis()) {
            return false;
        }
        for (Identifier identifier : identifiers) {
            if (!contains(named, digest(identifier))) {
                return false;
            }
        }
        return true;
    }

    /** Whether a digest is kept (the clock time in front is not one). */
    private static boolean contains(long[] kept, long digest) {
        for (int i = 1; i < kept.length; i++) {
            if (kept[i] == digest) {
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

    /** For tests: the digests kept, without the clock time. */
    static long[] digests(long[] named) {
        return Arrays.copyOfRange(named, 1, named.length);
    }
}
