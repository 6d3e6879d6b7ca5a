package io.tessera.identity.distributed;

import io.tessera.identity.ProfileStateSerializer;
import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.Varints;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The compact state form of a cluster ({@link ClusterRecord}), part of the savepoint format. A
 * Cluster reads and writes its record at every message; through Flink's POJO serializer that was a
 * fifth of its task's CPU in a JFR recording, its profile included. The form: a format byte; a
 * varint of flags (the booleans, and which optional fields are present); then the fields in the
 * record's order, each only when present: strings and events as the loop's binary form writes them
 * ({@link LoopBinaryForm}), lists as a count and their elements, the profile in its state form
 * ({@link ProfileStateSerializer}), times as zig-zag varints. The POJO form of releases up to 0.1
 * restores through Flink's state migration ({@link MigratesFromPojo}).
 */
public final class ClusterRecordSerializer extends CompactSerializer<ClusterRecord> {
    private static final long serialVersionUID = 1L;

    public static final ClusterRecordSerializer INSTANCE = new ClusterRecordSerializer();

    static final int FORMAT = 1;

    private static final int TOMBSTONE = 1;
    private static final int UNHEALTHY = 1 << 1;
    private static final int ANNOUNCED = 1 << 2;
    private static final int ERASED = 1 << 3;
    private static final int OFFERED = 1 << 4;
    private static final int AWAITING_FOUNDER = 1 << 5;
    private static final int FORWARD = 1 << 6;
    private static final int STATE = 1 << 7;
    private static final int LOCKED_ON = 1 << 8;
    private static final int CARRIED = 1 << 9;
    private static final int ERASED_BY = 1 << 10;
    private static final int ERASED_HELD = 1 << 11;
    private static final int BLAMED = 1 << 12;
    private static final int ALL = (1 << 13) - 1;

    @Override
    public ClusterRecord createInstance() {
        return new ClusterRecord();
    }

    /** A deep copy, through the form: a record holds mutable lists, maps and a profile. */
    @Override
    protected ClusterRecord copyOf(ClusterRecord from) {
        return copyThroughForm(from);
    }

    @Override
    protected void write(ClusterRecord r, DataOutputView out) throws IOException {
        int flags =
                (r.tombstone ? TOMBSTONE : 0)
                        | (r.unhealthy ? UNHEALTHY : 0)
                        | (r.announced ? ANNOUNCED : 0)
                        | (r.erased ? ERASED : 0)
                        | (r.offered ? OFFERED : 0)
                        | (r.awaitingFounder ? AWAITING_FOUNDER : 0)
                        | (r.forward != null ? FORWARD : 0)
                        | (r.state != null ? STATE : 0)
                        | (r.lockedOn != null ? LOCKED_ON : 0)
                        | (r.carried != null ? CARRIED : 0)
                        | (r.erasedBy != null ? ERASED_BY : 0)
                        | (r.erasedHeld != null ? ERASED_HELD : 0)
                        | (r.blamed != null ? BLAMED : 0);
        out.writeByte(FORMAT);
        Varints.writeLong(flags, out);
        if (r.forward != null) {
            LoopBinaryForm.string(r.forward, out);
        }
        strings(r.members, out);
        if (r.state != null) {
            ProfileStateSerializer.INSTANCE.serialize(r.state, out);
        }
        strings(r.absorbed, out);
        Map<String, Reservation> reserved = r.reserved == null ? Map.of() : r.reserved;
        Varints.writeLong(reserved.size(), out);
        for (Map.Entry<String, Reservation> entry : reserved.entrySet()) {
            LoopBinaryForm.string(entry.getKey(), out);
            LoopBinaryForm.reservation(entry.getValue(), out);
        }
        if (r.lockedOn != null) {
            LoopBinaryForm.string(r.lockedOn, out);
        }
        strings(r.fallbacks, out);
        if (r.carried != null) {
            bytes(r.carried, out);
        }
        byteLists(r.buffer, out);
        byteLists(r.held, out);
        if (r.erasedBy != null) {
            LoopBinaryForm.event(r.erasedBy, out);
        }
        Varints.writeLong(r.erasedAt, out);
        if (r.erasedHeld != null) {
            LoopBinaryForm.reservation(r.erasedHeld, out);
        }
        if (r.blamed != null) {
            LoopBinaryForm.string(r.blamed, out);
        }
        Varints.writeLong(r.linkedAt, out);
        byteLists(r.early, out);
        byteLists(r.planned, out);
    }

    @Override
    protected ClusterRecord read(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException(
                    "a cluster's record of form " + format + ": this release reads " + FORMAT);
        }
        long flags = Varints.readLong(in);
        if ((flags & ~ALL) != 0) {
            throw new IOException("a cluster's record with flags " + flags + " it cannot have");
        }
        ClusterRecord r = new ClusterRecord();
        r.tombstone = (flags & TOMBSTONE) != 0;
        r.unhealthy = (flags & UNHEALTHY) != 0;
        r.announced = (flags & ANNOUNCED) != 0;
        r.erased = (flags & ERASED) != 0;
        r.offered = (flags & OFFERED) != 0;
        r.awaitingFounder = (flags & AWAITING_FOUNDER) != 0;
        r.forward = (flags & FORWARD) != 0 ? LoopBinaryForm.string(in) : null;
        r.members = strings(in);
        r.state = (flags & STATE) != 0 ? ProfileStateSerializer.INSTANCE.deserialize(in) : null;
        r.absorbed = strings(in);
        int reserved = LoopBinaryForm.count(in);
        r.reserved = new TreeMap<>();
        for (int i = 0; i < reserved; i++) {
            r.reserved.put(LoopBinaryForm.string(in), LoopBinaryForm.reservation(in));
        }
        r.lockedOn = (flags & LOCKED_ON) != 0 ? LoopBinaryForm.string(in) : null;
        r.fallbacks = strings(in);
        r.carried = (flags & CARRIED) != 0 ? bytes(in) : null;
        r.buffer = byteLists(in);
        r.held = byteLists(in);
        r.erasedBy = (flags & ERASED_BY) != 0 ? LoopBinaryForm.event(in) : null;
        r.erasedAt = Varints.readLong(in);
        r.erasedHeld = (flags & ERASED_HELD) != 0 ? LoopBinaryForm.reservation(in) : null;
        r.blamed = (flags & BLAMED) != 0 ? LoopBinaryForm.string(in) : null;
        r.linkedAt = Varints.readLong(in);
        r.early = byteLists(in);
        r.planned = byteLists(in);
        return r;
    }

    /** A list of strings; null is written as empty, which a cluster's state reads the same. */
    private static void strings(List<String> strings, DataOutputView out) throws IOException {
        LoopBinaryForm.strings(strings == null ? List.of() : strings, out);
    }

    private static List<String> strings(DataInputView in) throws IOException {
        return LoopBinaryForm.stringList(in);
    }

    private static void bytes(byte[] bytes, DataOutput out) throws IOException {
        Varints.writeLong(bytes.length, out);
        out.write(bytes);
    }

    private static byte[] bytes(DataInput in) throws IOException {
        byte[] bytes = new byte[LoopBinaryForm.count(in)];
        in.readFully(bytes);
        return bytes;
    }

    /** Loop records; null is written as empty, which a cluster's state reads the same. */
    private static void byteLists(List<byte[]> records, DataOutputView out) throws IOException {
        LoopBinaryForm.list(
                records == null ? List.of() : records, ClusterRecordSerializer::bytes, out);
    }

    private static List<byte[]> byteLists(DataInputView in) throws IOException {
        return LoopBinaryForm.list(ClusterRecordSerializer::bytes, in);
    }

    @Override
    public TypeSerializerSnapshot<ClusterRecord> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<ClusterRecord> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The factory the annotation on {@link ClusterRecord} names. */
    public static final class TypeFactory extends TypeInfoFactory<ClusterRecord> {
        @Override
        public TypeInformation<ClusterRecord> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(ClusterRecord.class, INSTANCE);
        }
    }
}
