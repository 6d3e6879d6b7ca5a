package io.tessera.identity.distributed;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * Events entering or leaving the distributed protocol, by event time: what {@link
 * InFlightWatermarks} counts. Sent to every one of its subtasks. A POJO class for Flink's POJO
 * serializer.
 */
public final class LoopProgress {
    /** The event times. */
    public long[] times;

    /** At each time, how many events entered (positive) or left (negative). */
    public int[] deltas;

    /**
     * For events that left credited to a profile: the hash code of each one's profile id, whose
     * subtask counts it as the event itself arrives instead; null when every subtask counts them.
     */
    public int[] profileHashes;

    /** A POJO needs a public no-argument constructor. */
    public LoopProgress() {}

    LoopProgress(long[] times, int[] deltas, int[] profileHashes) {
        this.times = times;
        this.deltas = deltas;
        this.profileHashes = profileHashes;
    }

    /** The format of {@link #toRecord()}: a leading byte, for later formats to be told apart. */
    static final byte RECORD_FORMAT = 1;

    /**
     * As a loop record ({@link Actor#PROGRESS}): the format byte, the number of entries, then each
     * time and delta. Profile hashes are not written: every reader counts every entry.
     */
    byte[] toRecord() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(5 + 12 * times.length);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(RECORD_FORMAT);
            out.writeInt(times.length);
            for (int i = 0; i < times.length; i++) {
                out.writeLong(times[i]);
                out.writeInt(deltas[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** Reads a loop record written by {@link #toRecord()}. */
    static LoopProgress fromRecord(byte[] record) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            byte format = in.readByte();
            if (format != RECORD_FORMAT) {
                throw new IllegalArgumentException(
                        "a progress record of the identity loop in format "
                                + format
                                + ", newer than this release reads ("
                                + RECORD_FORMAT
                                + ")");
            }
            int size = in.readInt();
            long[] times = new long[size];
            int[] deltas = new int[size];
            for (int i = 0; i < size; i++) {
                times[i] = in.readLong();
                deltas[i] = in.readInt();
            }
            return new LoopProgress(times, deltas, null);
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "a progress record of the identity loop cut short ("
                            + record.length
                            + " bytes)",
                    e);
        }
    }

    @Override
    public String toString() {
        return "LoopProgress"
                + Arrays.toString(times)
                + Arrays.toString(deltas)
                + (profileHashes == null ? "" : Arrays.toString(profileHashes));
    }

    /** Collects entries until they are sent. */
    static final class Buffer {
        private final boolean byProfile;
        private long[] times = new long[64];
        private int[] deltas = new int[64];
        private int[] hashes;
        private int size;

        /**
         * @param byProfile whether each entry names the profile its event was credited to
         */
        Buffer(boolean byProfile) {
            this.byProfile = byProfile;
            this.hashes = byProfile ? new int[64] : null;
        }

        void add(long time, int delta) {
            add(time, delta, 0);
        }

        void add(long time, int delta, int profileHash) {
            if (size > 0 && !byProfile && times[size - 1] == time) {
                deltas[size - 1] += delta;
                return;
            }
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                deltas = Arrays.copyOf(deltas, size * 2);
                if (byProfile) {
                    hashes = Arrays.copyOf(hashes, size * 2);
                }
            }
            times[size] = time;
            deltas[size] = delta;
            if (byProfile) {
                hashes[size] = profileHash;
            }
            size++;
        }

        boolean isEmpty() {
            return size == 0;
        }

        /** The entries collected, and an empty buffer. */
        LoopProgress take() {
            LoopProgress taken =
                    new LoopProgress(
                            Arrays.copyOf(times, size),
                            Arrays.copyOf(deltas, size),
                            byProfile ? Arrays.copyOf(hashes, size) : null);
            size = 0;
            return taken;
        }
    }
}
