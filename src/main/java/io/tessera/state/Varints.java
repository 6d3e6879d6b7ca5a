package io.tessera.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;

/**
 * Zig-zag variable-length integers, for the compact state forms: a small number of either sign
 * takes one byte, an epoch millisecond six, never more than ten.
 */
public final class Varints {
    private Varints() {}

    public static void writeLong(long value, DataOutput out) throws IOException {
        long v = (value << 1) ^ (value >> 63);
        while ((v & ~0x7FL) != 0) {
            out.writeByte((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.writeByte((int) v);
    }

    /**
     * Reads one.
     *
     * @throws IOException when the bytes end first, or run past ten bytes (corrupt state)
     */
    public static long readLong(DataInput in) throws IOException {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 63) {
                throw new IOException("a varint longer than ten bytes: the state is corrupt");
            }
            int b = in.readUnsignedByte();
            v |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        return (v >>> 1) ^ -(v & 1);
    }
}
