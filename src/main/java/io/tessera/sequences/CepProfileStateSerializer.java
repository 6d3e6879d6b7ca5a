package io.tessera.sequences;

import java.io.IOException;
import java.util.Arrays;
import org.apache.flink.api.common.typeutils.CompositeTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The form of {@link CepProfileState}'s value, part of the savepoint format: a byte whose low bits
 * say which parts are present, then the present parts. With the byte's high bit set (written since
 * 2026-12-05), the parts are in {@link CepStateForm}'s compact form; without it, each is in its own
 * serializer's form (CEP's own for its NFA state and its maps' keys and values), as the values
 * written before are, which are still read. The parts' serializers are nested in the snapshot, so a
 * restore checks each as Flink would check CEP's own states.
 */
final class CepProfileStateSerializer extends TypeSerializer<Object[]> {
    private static final long serialVersionUID = 1L;

    /** The first byte's bit that says the parts are in {@link CepStateForm}'s compact form. */
    private static final int COMPACT = 0x80;

    private final TypeSerializer<Object>[] parts;

    @SuppressWarnings("unchecked")
    CepProfileStateSerializer(TypeSerializer<?>... parts) {
        if (parts.length != CepProfileState.PARTS) {
            throw new IllegalArgumentException(
                    "CEP's state has " + CepProfileState.PARTS + " parts, not " + parts.length);
        }
        this.parts = (TypeSerializer<Object>[]) parts.clone();
    }

    TypeSerializer<?>[] parts() {
        return parts.clone();
    }

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TypeSerializer<Object[]> duplicate() {
        TypeSerializer<?>[] copies = new TypeSerializer<?>[parts.length];
        boolean same = true;
        for (int i = 0; i < parts.length; i++) {
            copies[i] = parts[i].duplicate();
            same &= copies[i] == parts[i];
        }
        return same ? this : new CepProfileStateSerializer(copies);
    }

    @Override
    public Object[] createInstance() {
        return new Object[parts.length];
    }

    @Override
    public Object[] copy(Object[] from) {
        Object[] copy = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            copy[i] = from[i] == null ? null : parts[i].copy(from[i]);
        }
        return copy;
    }

    @Override
    public Object[] copy(Object[] from, Object[] reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(Object[] record, DataOutputView target) throws IOException {
        int present = 0;
        for (int i = 0; i < parts.length; i++) {
            if (record[i] != null) {
                present |= 1 << i;
            }
        }
        target.writeByte(COMPACT | present);
        CepStateForm.write(record, target);
    }

    @Override
    public Object[] deserialize(DataInputView source) throws IOException {
        int first = source.readUnsignedByte();
        int present = first & ~COMPACT;
        if (present >> parts.length != 0) {
            throw new IOException(
                    "CEP's state names parts "
                            + Integer.toBinaryString(present)
                            + " it cannot have");
        }
        if ((first & COMPACT) != 0) {
            return CepStateForm.read(present, source);
        }
        Object[] record = new Object[parts.length];
        for (int i = 0; i < parts.length; i++) {
            if ((present & 1 << i) != 0) {
                record[i] = parts[i].deserialize(source);
            }
        }
        return record;
    }

    @Override
    public Object[] deserialize(Object[] reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CepProfileStateSerializer other && Arrays.equals(parts, other.parts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts);
    }

    @Override
    public TypeSerializerSnapshot<Object[]> snapshotConfiguration() {
        return new Snapshot(this);
    }

    /** The serializer's snapshot: the parts' serializers. Part of the savepoint format. */
    public static final class Snapshot
            extends CompositeTypeSerializerSnapshot<Object[], CepProfileStateSerializer> {
        private static final int VERSION = 1;

        /** For Flink, which reads a snapshot into a new instance. */
        public Snapshot() {}

        Snapshot(CepProfileStateSerializer serializer) {
            super(serializer);
        }

        @Override
        protected int getCurrentOuterSnapshotVersion() {
            return VERSION;
        }

        @Override
        protected TypeSerializer<?>[] getNestedSerializers(CepProfileStateSerializer outer) {
            return outer.parts();
        }

        @Override
        protected CepProfileStateSerializer createOuterSerializerWithNestedSerializers(
                TypeSerializer<?>[] nested) {
            return new CepProfileStateSerializer(nested);
        }
    }
}
