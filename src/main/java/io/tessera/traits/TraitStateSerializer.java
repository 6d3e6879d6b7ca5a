package io.tessera.traits;

import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a {@link TraitState}, in {@link TraitStateCodec}'s compact form. Releases
 * up to 0.1 wrote trait states with the POJO serializer; their savepoints restore through Flink's
 * state migration (the snapshot below answers "compatible after migration" to a POJO snapshot of
 * the class, and RocksDB rewrites each profile in the new form as it restores).
 */
public final class TraitStateSerializer extends CompactSerializer<TraitState> {
    private static final long serialVersionUID = 1L;

    public static final TraitStateSerializer INSTANCE = new TraitStateSerializer();

    @Override
    public TraitState createInstance() {
        return new TraitState();
    }

    @Override
    protected TraitState copyOf(TraitState from) {
        return from.copy();
    }

    @Override
    protected void write(TraitState record, DataOutputView target) throws IOException {
        TraitStateCodec.write(record, target);
    }

    @Override
    protected TraitState read(DataInputView source) throws IOException {
        return TraitStateCodec.read(source);
    }

    @Override
    public TypeSerializerSnapshot<TraitState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<TraitState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /**
     * The factory the annotation on {@link TraitState} names: wherever the type appears (a
     * profile's {@code traitStates} map, in both identity modes), Flink uses this serializer.
     */
    public static final class TypeFactory extends TypeInfoFactory<TraitState> {
        @Override
        public TypeInformation<TraitState> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(TraitState.class, INSTANCE);
        }
    }
}
