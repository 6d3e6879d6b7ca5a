package io.tessera.state;

import java.io.IOException;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * A serializer of a mutable type in a compact form of its own: the subclass writes, reads and
 * deep-copies a value; everything else Flink asks of a serializer is answered here once (no reuse
 * of instances, no fixed length, a copy between views through a read and a write).
 */
public abstract class CompactSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    /** Writes one value. */
    protected abstract void write(T value, DataOutputView out) throws IOException;

    /**
     * Reads one value.
     *
     * @throws IOException when the bytes end first or do not hold the form (corrupt state)
     */
    protected abstract T read(DataInputView in) throws IOException;

    /** A deep copy: the state may change the original after Flink took the copy. */
    protected abstract T copyOf(T value);

    /**
     * A deep copy through the form: a write, then a read of those bytes. For a type whose copy
     * would otherwise repeat every field's copying.
     */
    protected final T copyThroughForm(T value) {
        try {
            DataOutputSerializer out = new DataOutputSerializer(256);
            write(value, out);
            return read(new DataInputDeserializer(out.getSharedBuffer(), 0, out.length()));
        } catch (IOException e) {
            throw new IllegalStateException(
                    "a " + value.getClass().getSimpleName() + " cannot be copied", e);
        }
    }

    @Override
    public final boolean isImmutableType() {
        return false;
    }

    @Override
    public final T copy(T from) {
        return copyOf(from);
    }

    @Override
    public final T copy(T from, T reuse) {
        return copyOf(from);
    }

    @Override
    public final int getLength() {
        return -1;
    }

    @Override
    public final void serialize(T record, DataOutputView target) throws IOException {
        write(record, target);
    }

    @Override
    public final T deserialize(DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public final T deserialize(T reuse, DataInputView source) throws IOException {
        return read(source);
    }

    @Override
    public final void copy(DataInputView source, DataOutputView target) throws IOException {
        write(read(source), target);
    }
}
