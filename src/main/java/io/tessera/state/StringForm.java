package io.tessera.state;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * How a compact form writes a string, or null: in one encoding and one bulk write, where Flink's
 * string serializer writes a string char by char.
 */
public enum StringForm {
    /**
     * A varint of the UTF-8 length plus one (zero: null), then the bytes. A lone surrogate, which
     * UTF-8 cannot encode, is written as {@code ?}. The identity loop's binary records (version 6)
     * and the states that keep their parts hold strings this way.
     */
    UTF8 {
        @Override
        public void write(String value, DataOutput out) throws IOException {
            if (value == null) {
                Varints.writeLong(0, out);
                return;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            Varints.writeLong(bytes.length + 1L, out);
            out.write(bytes);
        }

        @Override
        public String read(DataInput in) throws IOException {
            long length = length(in);
            return length == 0 ? null : utf8(in, length - 1);
        }
    },

    /**
     * Every string exactly, lone surrogates too: a varint of zero for null, of twice the UTF-8
     * length plus one and the bytes for a string UTF-8 can encode, or of twice the length in chars
     * plus two and each char as two bytes for one with a lone surrogate.
     */
    EXACT {
        @Override
        public void write(String value, DataOutput out) throws IOException {
            if (value == null) {
                Varints.writeLong(0, out);
            } else if (hasLoneSurrogate(value)) {
                Varints.writeLong(2L * value.length() + 2, out);
                out.writeChars(value);
            } else {
                byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                Varints.writeLong(2L * bytes.length + 1, out);
                out.write(bytes);
            }
        }

        @Override
        public String read(DataInput in) throws IOException {
            long length = length(in);
            if (length == 0) {
                return null;
            }
            if (length % 2 == 1) {
                return utf8(in, length / 2);
            }
            char[] chars = new char[(int) (length / 2 - 1)];
            for (int i = 0; i < chars.length; i++) {
                chars[i] = in.readChar();
            }
            return new String(chars);
        }
    };

    /** Writes a string or null. */
    public abstract void write(String value, DataOutput out) throws IOException;

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IOException when the bytes end first or hold an impossible length
     */
    public abstract String read(DataInput in) throws IOException;

    private static long length(DataInput in) throws IOException {
        long length = Varints.readLong(in);
        if (length < 0 || length > Integer.MAX_VALUE) {
            throw new IOException("a string's form holds a length of " + length);
        }
        return length;
    }

    private static String utf8(DataInput in, long length) throws IOException {
        byte[] bytes = new byte[(int) length];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** True when a surrogate char has no partner: UTF-8 has no encoding for it. */
    static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c)
                    && i + 1 < value.length()
                    && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }
}
