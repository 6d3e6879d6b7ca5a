package io.tessera.identity;

import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.Varints;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a {@link DirectoryEntry} (single mode's directory: one per identifier), in
 * a compact form: a flags byte (quarantined; an id of one of the identity stage's forms), the
 * profile id as its digest's ten bytes when it has the short form, as its creation time and
 * digest's eight bytes when it has the timed form ({@link ProfileIdForm}), else as text, and the
 * rejections as a varint. Part of the savepoint format; releases up to 0.1 stored the POJO form,
 * which Flink migrates when such a savepoint is restored.
 */
public final class DirectoryEntrySerializer extends CompactSerializer<DirectoryEntry> {
    private static final long serialVersionUID = 1L;

    public static final DirectoryEntrySerializer INSTANCE = new DirectoryEntrySerializer();

    private static final int QUARANTINED = 1;
    private static final int DERIVED_ID = 1 << 1;
    private static final int SHORT_ID = 1 << 2;

    @Override
    public DirectoryEntry createInstance() {
        return new DirectoryEntry();
    }

    @Override
    protected DirectoryEntry copyOf(DirectoryEntry from) {
        DirectoryEntry copy = new DirectoryEntry(from.profileId);
        copy.rejections = from.rejections;
        copy.quarantined = from.quarantined;
        return copy;
    }

    @Override
    protected void write(DirectoryEntry entry, DataOutputView out) throws IOException {
        int quarantined = entry.quarantined ? QUARANTINED : 0;
        byte[] shortDigest = ProfileIdForm.shortDigestOf(entry.profileId);
        if (shortDigest != null) {
            out.writeByte(quarantined | SHORT_ID);
            ProfileIdForm.writeShort(shortDigest, out);
            Varints.writeLong(entry.rejections, out);
            return;
        }
        Long createdAt = ProfileIdForm.createdAtOf(entry.profileId);
        out.writeByte(quarantined | (createdAt != null ? DERIVED_ID : 0));
        if (createdAt != null) {
            Varints.writeLong(createdAt, out);
        }
        ProfileIdForm.write(
                entry.profileId,
                createdAt == null ? null : ProfileIdForm.digestOf(entry.profileId, createdAt),
                out);
        Varints.writeLong(entry.rejections, out);
    }

    @Override
    protected DirectoryEntry read(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        DirectoryEntry entry = new DirectoryEntry();
        boolean derived = (flags & DERIVED_ID) != 0;
        entry.profileId =
                (flags & SHORT_ID) != 0
                        ? ProfileIdForm.readShort(in)
                        : ProfileIdForm.read(derived, derived ? Varints.readLong(in) : 0, in);
        long rejections = Varints.readLong(in);
        if (rejections < Integer.MIN_VALUE || rejections > Integer.MAX_VALUE) {
            throw new IOException(
                    "a directory entry with " + rejections + " rejections: the state is corrupt");
        }
        entry.rejections = (int) rejections;
        entry.quarantined = (flags & QUARANTINED) != 0;
        return entry;
    }

    @Override
    public TypeSerializerSnapshot<DirectoryEntry> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<DirectoryEntry> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The factory the annotation on {@link DirectoryEntry} names. */
    public static final class TypeFactory extends TypeInfoFactory<DirectoryEntry> {
        @Override
        public TypeInformation<DirectoryEntry> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(DirectoryEntry.class, INSTANCE);
        }
    }
}
