package io.tessera.identity;

import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.StringForm;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A profile change in a compact form, as it crosses the network from the profile stage to the
 * profile view and activation: a format byte, a byte of flags (which of the snapshot and the winner
 * are present), the profile id, the snapshot in its state form ({@link ProfileStateSerializer}),
 * the winner's id. A record through Flink's POJO serializer was built by reflection on every read
 * and wrote its strings char by char. No state keeps one.
 */
public final class ProfileUpdateSerializer extends CompactSerializer<ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    public static final ProfileUpdateSerializer INSTANCE = new ProfileUpdateSerializer();

    static final int FORMAT = 1;

    private static final int SNAPSHOT = 1;
    private static final int MERGED_INTO = 1 << 1;

    @Override
    public ProfileUpdate createInstance() {
        return new ProfileUpdate(null, null, null);
    }

    /** A copy: the snapshot is mutable, the strings are not. */
    @Override
    protected ProfileUpdate copyOf(ProfileUpdate from) {
        return new ProfileUpdate(
                from.profileId(),
                from.snapshot() == null
                        ? null
                        : ProfileStateSerializer.INSTANCE.copy(from.snapshot()),
                from.mergedInto());
    }

    @Override
    protected void write(ProfileUpdate update, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        out.writeByte(
                (update.snapshot() != null ? SNAPSHOT : 0)
                        | (update.mergedInto() != null ? MERGED_INTO : 0));
        StringForm.EXACT.write(update.profileId(), out);
        if (update.snapshot() != null) {
            ProfileStateSerializer.INSTANCE.serialize(update.snapshot(), out);
        }
        if (update.mergedInto() != null) {
            StringForm.EXACT.write(update.mergedInto(), out);
        }
    }

    @Override
    protected ProfileUpdate read(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException(
                    "a profile change of form " + format + ": this release reads " + FORMAT);
        }
        int flags = in.readUnsignedByte();
        if ((flags & ~(SNAPSHOT | MERGED_INTO)) != 0) {
            throw new IOException("a profile change with flags " + flags + " it cannot have");
        }
        String profileId = StringForm.EXACT.read(in);
        ProfileState snapshot =
                (flags & SNAPSHOT) != 0 ? ProfileStateSerializer.INSTANCE.deserialize(in) : null;
        String mergedInto = (flags & MERGED_INTO) != 0 ? StringForm.EXACT.read(in) : null;
        return new ProfileUpdate(profileId, snapshot, mergedInto);
    }

    @Override
    public TypeSerializerSnapshot<ProfileUpdate> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<ProfileUpdate> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The factory the annotation on {@link ProfileUpdate} names. */
    public static final class TypeFactory extends TypeInfoFactory<ProfileUpdate> {
        @Override
        public TypeInformation<ProfileUpdate> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(ProfileUpdate.class, INSTANCE);
        }
    }
}
