package io.tessera.traits;

import java.lang.reflect.Type;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * The type information of a {@link TraitState}, which Flink finds through the class's annotation
 * wherever the type appears (a profile's {@code traitStates} map, in both identity modes).
 */
public final class TraitStateTypeInfo extends TypeInformation<TraitState> {
    private static final long serialVersionUID = 1L;

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
    public Class<TraitState> getTypeClass() {
        return TraitState.class;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<TraitState> createSerializer(SerializerConfig config) {
        return TraitStateSerializer.INSTANCE;
    }

    @Override
    public String toString() {
        return "TraitState (compact)";
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof TraitStateTypeInfo;
    }

    @Override
    public int hashCode() {
        return TraitStateTypeInfo.class.hashCode();
    }

    @Override
    public boolean canEqual(Object obj) {
        return obj instanceof TraitStateTypeInfo;
    }

    /** The factory the annotation on {@link TraitState} names. */
    public static final class Factory extends TypeInfoFactory<TraitState> {
        @Override
        public TypeInformation<TraitState> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new TraitStateTypeInfo();
        }
    }
}
