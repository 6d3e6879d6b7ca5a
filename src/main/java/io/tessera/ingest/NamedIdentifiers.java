package io.tessera.ingest;

import io.tessera.model.Identifier;
import java.util.Arrays;
import java.util.List;

/**
 * What the events of one key have named: when the list began, then a 64-bit digest of each
 * identifier, the latest {@link #KEPT} of them. An event whose identifiers were all named before
 * most likely links nothing new, so distributed identity sends it straight to its anchor's profile,
 * which credits it only if it holds them all (a digest that collides or an identifier that moved
 * costs a detour through a Gather, never a wrong profile).
 *
 * <p>A list lasts {@code fresh} from when it began, then starts again from the next event: the
 * events sent straight read only their anchor's Directory entry, and an entry of an expiring type
 * is kept for as long as it is read, so every identifier such an event names was read by an event
 * that went through its Gather less than {@code fresh} before.
 */
public final class NamedIdentifiers {
    /** The digests kept per key: a shared kiosk's key names many people. */
    public static final int KEPT = 16;

    private NamedIdentifiers() {}

    /**
     * How many identifiers of the event are in a list that began less than {@code fresh} ago: all
     * of them (and some) mark it as named, some as partly named, so that a never-seen anchor of it
     * most likely joins their profile.
     *
     * @param named the list so far (null: none)
     */
    public static int countNamed(long[] named, List<Identifier> identifiers, long now, long fresh) {
        if (!isFresh(named, now, fresh)) {
            return 0;
        }
        int count = 0;
        for (Identifier identifier : identifiers) {
            if (contains(named, digest(identifier))) {
                count++;
            }
        }
        return count;
    }

    /** Whether every identifier of the event is named ({@link #countNamed}; none: false). */
    public static boolean allNamed(
            long[] named, List<Identifier> identifiers, long now, long fresh) {
        return !identifiers.isEmpty()
                && countNamed(named, identifiers, now, fresh) == identifiers.size();
    }

    /**
     * The list after an event: a new one when the one so far is stale.
     *
     * @param named the list so far (null: none)
     * @return the list to keep, the same array when the event named nothing new
     */
    public static long[] after(long[] named, List<Identifier> identifiers, long now, long fresh) {
        long[] kept = isFresh(named, now, fresh) ? named : new long[] {now};
        for (Identifier identifier : identifiers) {
            long digest = digest(identifier);
            if (!contains(kept, digest)) {
                int from = Math.max(1, kept.length + 1 - KEPT);
                long[] grown = new long[kept.length + 1 - (from - 1)];
                grown[0] = kept[0];
                System.arraycopy(kept, from, grown, 1, kept.length - from);
                grown[grown.length - 1] = digest;
                kept = grown;
            }
        }
        return kept;
    }

    private static boolean isFresh(long[] named, long now, long fresh) {
        return named != null && named.length > 0 && now - named[0] < fresh;
    }

    private static boolean contains(long[] named, long digest) {
        for (int i = 1; i < named.length; i++) {
            if (named[i] == digest) {
                return true;
            }
        }
        return false;
    }

    /** The digests of a list, for tests. */
    static long[] digests(long[] named) {
        return Arrays.copyOfRange(named, 1, named.length);
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
