package io.tessera.traits;

import io.tessera.state.MigratesFromPojo;
import java.io.IOException;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * Flink's serializer of a {@link TraitState}, in {@link TraitStateCodec}'s compact form. Releases
 * up to 0.1 wrote trait states with the POJO serializer; their savepoints restore through Flink's
 * state migration (the snapshot below answers "compatible after migration" to a POJO snapshot of
 * the class, and RocksDB rewrites each profile in the new form as it restores).
 */
public final class TraitStateSerializer extends TypeSerializerSingleton<TraitState> {
    private static final long serialVersionUID = 1L;

    public static final TraitStateSerializer INSTANCE = new TraitStateSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public TraitState createInstance() {
        return new TraitState();
    }

    @Override
    public TraitState copy(TraitState from) {
        return from.copy();
    }

    @Override
    public TraitState copy(TraitState from, TraitState reuse) {
        return from.copy();
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TraitState record, DataOutputView target) throws IOException {
        TraitStateCodec.write(record, target);
    }

    @Override
    public TraitState deserialize(DataInputView source) throws IOException {
        return TraitStateCodec.read(source);
    }

    @Override
    public TraitState deserialize(TraitState reuse, DataInputView source) throws IOException {
        return TraitStateCodec.read(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        TraitStateCodec.write(TraitStateCodec.read(source), target);
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
}
