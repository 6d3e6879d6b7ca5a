package io.tessera.state;

import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of a type stored in a compact form: Flink finds it through a {@code
 * TypeInfo} annotation on the class (its factory returns one of these), wherever the type appears:
 * a state, a field of a POJO, a record crossing the network.
 */
public final class CompactTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final CompactSerializer<T> serializer;

    public CompactTypeInfo(Class<T> type, CompactSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return type.getSimpleName() + " (compact)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof CompactTypeInfo<?> other
                && other.type.equals(type)
                && other.serializer.getClass().equals(serializer.getClass());
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof CompactTypeInfo;
    }
}
