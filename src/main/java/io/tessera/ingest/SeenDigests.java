package io.tessera.ingest;

import io.tessera.state.Varints;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;

/**
 * The message-id digests one deduplication key saw within the window, as one value: each with the
 * processing time it was first seen at. At most {@link #MAX_KEPT} live ones; a key that sees more
 * in one window (a Kafka key shared by a whole server, say) keeps the rest as entries of a map
 * state, and the value says until when that map may hold live ones.
 *
 * <p>The form: the time until which the map may hold live digests (a varint, 0 for never), then per
 * digest, oldest first, its time as a varint difference from the one before (from 0 for the first)
 * and its eight bytes. A digest of a key seen four times in the window takes about 10 bytes instead
 * of a map entry of its own, which repeats the key.
 */
final class SeenDigests {
    /** The most digests one value keeps; more go to the overflow map. */
    static final int MAX_KEPT = 64;

    private long overflowUntil;
    private long[] times;
    private long[] digests;
    private int size;

    private SeenDigests(long overflowUntil, long[] times, long[] digests, int size) {
        this.overflowUntil = overflowUntil;
        this.times = times;
        this.digests = digests;
        this.size = size;
    }

    /** None seen. */
    static SeenDigests empty() {
        return new SeenDigests(0, new long[4], new long[4], 0);
    }

    /** The digests a value holds ({@link #bytes}); null is none. */
    static SeenDigests of(byte[] value) {
        if (value == null) {
            return empty();
        }
        try {
            DataInputDeserializer in = new DataInputDeserializer(value);
            long overflowUntil = Varints.readLong(in);
            long[] times = new long[4];
            long[] digests = new long[4];
            int size = 0;
            long time = 0;
            while (in.available() > 0) {
                if (size == times.length) {
                    times = Arrays.copyOf(times, size * 2);
                    digests = Arrays.copyOf(digests, size * 2);
                }
                time += Varints.readLong(in);
                times[size] = time;
                digests[size] = in.readLong();
                size++;
            }
            return new SeenDigests(overflowUntil, times, digests, size);
        } catch (IOException e) {
            throw new IllegalStateException(
                    "a deduplication value of " + value.length + " bytes is corrupt", e);
        }
    }

    /** Whether a digest first seen less than {@code window} ms before {@code now} is kept. */
    boolean contains(long digest, long now, long window) {
        for (int i = 0; i < size; i++) {
            if (digests[i] == digest && times[i] + window > now) {
                return true;
            }
        }
        return false;
    }

    /** Whether the overflow map may hold live digests at {@code now}. */
    boolean mayHaveOverflowed(long now) {
        return overflowUntil > now;
    }

    /**
     * Keeps a digest first seen at {@code now}, after dropping the ones whose window has passed.
     *
     * @return false when {@link #MAX_KEPT} live ones are kept already: the caller keeps it in the
     *     overflow map and calls {@link #overflowedUntil}
     */
    boolean add(long digest, long now, long window) {
        int live = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] + window > now) {
                times[live] = times[i];
                digests[live] = digests[i];
                live++;
            }
        }
        size = live;
        if (size == MAX_KEPT) {
            return false;
        }
        if (size == times.length) {
            times = Arrays.copyOf(times, size * 2);
            digests = Arrays.copyOf(digests, size * 2);
        }
        times[size] = now;
        digests[size] = digest;
        size++;
        return true;
    }

    /** Records that the overflow map may hold live digests until {@code until}. */
    void overflowedUntil(long until) {
        overflowUntil = Math.max(overflowUntil, until);
    }

    /** How many digests are kept (live or not yet dropped). */
    int size() {
        return size;
    }

    /** The value's form. */
    byte[] bytes() {
        DataOutputSerializer out = new DataOutputSerializer(2 + size * 11);
        try {
            Varints.writeLong(overflowUntil, out);
            long before = 0;
            for (int i = 0; i < size; i++) {
                Varints.writeLong(times[i] - before, out);
                out.writeLong(digests[i]);
                before = times[i];
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory failed", e);
        }
        return out.getCopyOfBuffer();
    }
}
