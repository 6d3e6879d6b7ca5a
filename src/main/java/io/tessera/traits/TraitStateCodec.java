package io.tessera.traits;

import io.tessera.state.Varints;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The compact binary form of a {@link TraitState}: only the fields that differ from their defaults,
 * behind a bit mask, with variable-length integers. A counter's lifetime bucket takes four bytes
 * instead of the 80 the POJO form writes (every field, a null flag each, eight bytes per long).
 *
 * <p>The form, part of the savepoint format: a flags byte (bit 0: a decayed score), the score and
 * its time when present, the number of buckets, then each bucket as a mask of its non-default
 * fields followed by them in declaration order. Integers are zig-zag varints ({@link Varints}),
 * doubles their eight bytes, strings Flink's {@link StringValue} form.
 */
final class TraitStateCodec {
    private static final int SCORE = 1;

    private static final int COUNT = 1;
    private static final int SUM = 1 << 1;
    private static final int MIN = 1 << 2;
    private static final int MAX = 1 << 3;
    private static final int FIRST_TIME = 1 << 4;
    private static final int FIRST_VALUE = 1 << 5;
    private static final int LAST_TIME = 1 << 6;
    private static final int LAST_VALUE = 1 << 7;
    private static final int VALUES = 1 << 8;
    private static final int KEYED = 1 << 9;

    private TraitStateCodec() {}

    static void write(TraitState state, DataOutputView out) throws IOException {
        boolean scored = state.scoreTime != Long.MIN_VALUE || bits(state.score) != 0;
        out.writeByte(scored ? SCORE : 0);
        if (scored) {
            out.writeDouble(state.score);
            Varints.writeLong(state.scoreTime, out);
        }
        Varints.writeLong(state.buckets.size(), out);
        for (Map.Entry<Long, Bucket> entry : state.buckets.entrySet()) {
            writeBucket(entry.getKey(), entry.getValue(), out);
        }
    }

    static TraitState read(DataInputView in) throws IOException {
        TraitState state = new TraitState();
        int flags = in.readUnsignedByte();
        if ((flags & SCORE) != 0) {
            state.score = in.readDouble();
            state.scoreTime = Varints.readLong(in);
        }
        long buckets = Varints.readLong(in);
        for (long i = 0; i < buckets; i++) {
            readBucket(state.buckets, in);
        }
        return state;
    }

    private static void writeBucket(long key, Bucket b, DataOutputView out) throws IOException {
        int mask =
                (b.count != 0 ? COUNT : 0)
                        | (bits(b.sum) != 0 ? SUM : 0)
                        | (b.min != null ? MIN : 0)
                        | (b.max != null ? MAX : 0)
                        | (b.firstTime != Long.MAX_VALUE ? FIRST_TIME : 0)
                        | (b.firstValue != null ? FIRST_VALUE : 0)
                        | (b.lastTime != Long.MIN_VALUE ? LAST_TIME : 0)
                        | (b.lastValue != null ? LAST_VALUE : 0)
                        | (!b.values.isEmpty() ? VALUES : 0)
                        | (key != TraitState.LIFETIME ? KEYED : 0);
        Varints.writeLong(mask, out);
        if ((mask & KEYED) != 0) {
            Varints.writeLong(key, out);
        }
        if ((mask & COUNT) != 0) {
            Varints.writeLong(b.count, out);
        }
        if ((mask & SUM) != 0) {
            out.writeDouble(b.sum);
        }
        if ((mask & MIN) != 0) {
            out.writeDouble(b.min);
        }
        if ((mask & MAX) != 0) {
            out.writeDouble(b.max);
        }
        if ((mask & FIRST_TIME) != 0) {
            Varints.writeLong(b.firstTime, out);
        }
        if ((mask & FIRST_VALUE) != 0) {
            StringValue.writeString(b.firstValue, out);
        }
        if ((mask & LAST_TIME) != 0) {
            Varints.writeLong(b.lastTime, out);
        }
        if ((mask & LAST_VALUE) != 0) {
            StringValue.writeString(b.lastValue, out);
        }
        if ((mask & VALUES) != 0) {
            Varints.writeLong(b.values.size(), out);
            for (Map.Entry<String, Long> value : b.values.entrySet()) {
                StringValue.writeString(value.getKey(), out);
                Varints.writeLong(value.getValue(), out);
            }
        }
    }

    private static void readBucket(Map<Long, Bucket> buckets, DataInputView in) throws IOException {
        int mask = (int) Varints.readLong(in);
        long key = (mask & KEYED) != 0 ? Varints.readLong(in) : TraitState.LIFETIME;
        Bucket b = new Bucket();
        if ((mask & COUNT) != 0) {
            b.count = Varints.readLong(in);
        }
        if ((mask & SUM) != 0) {
            b.sum = in.readDouble();
        }
        if ((mask & MIN) != 0) {
            b.min = in.readDouble();
        }
        if ((mask & MAX) != 0) {
            b.max = in.readDouble();
        }
        if ((mask & FIRST_TIME) != 0) {
            b.firstTime = Varints.readLong(in);
        }
        if ((mask & FIRST_VALUE) != 0) {
            b.firstValue = StringValue.readString(in);
        }
        if ((mask & LAST_TIME) != 0) {
            b.lastTime = Varints.readLong(in);
        }
        if ((mask & LAST_VALUE) != 0) {
            b.lastValue = StringValue.readString(in);
        }
        if ((mask & VALUES) != 0) {
            Map<String, Long> values = new TreeMap<>();
            long n = Varints.readLong(in);
            for (long i = 0; i < n; i++) {
                values.put(StringValue.readString(in), Varints.readLong(in));
            }
            b.values = values;
        }
        buckets.put(key, b);
    }

    private static long bits(double value) {
        return Double.doubleToRawLongBits(value);
    }
}
