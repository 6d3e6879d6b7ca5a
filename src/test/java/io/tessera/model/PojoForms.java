package io.tessera.model;

import io.tessera.identity.ResolvedEvent;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;

/**
 * How the releases before carried and kept events: Flink's POJO serializer over the fields of
 * {@link CustomerEvent}, which now has a compact form of its own (so {@code TypeInformation.of} no
 * longer gives this one).
 */
public final class PojoForms {
    private PojoForms() {}

    /** An event's POJO type. */
    public static PojoTypeInfo<CustomerEvent> customerEvent() {
        List<PojoField> fields = new ArrayList<>();
        for (Field field : CustomerEvent.class.getFields()) {
            if (Modifier.isStatic(field.getModifiers())) {
                continue;
            }
            TypeInformation<?> type =
                    field.getType() == String.class
                            ? Types.STRING
                            : field.getType() == long.class
                                    ? Types.LONG
                                    : Types.LIST(Types.POJO(Identifier.class));
            fields.add(new PojoField(field, type));
        }
        return new PojoTypeInfo<>(CustomerEvent.class, fields);
    }

    /** A resolved event's POJO serializer, its event in the POJO form too. */
    public static TypeSerializer<ResolvedEvent> resolvedEvent() {
        try {
            return new PojoTypeInfo<>(
                            ResolvedEvent.class,
                            List.of(
                                    new PojoField(
                                            ResolvedEvent.class.getField("profileId"),
                                            Types.STRING),
                                    new PojoField(
                                            ResolvedEvent.class.getField("event"),
                                            customerEvent())))
                    .createSerializer(new SerializerConfigImpl());
        } catch (NoSuchFieldException e) {
            throw new IllegalStateException(e);
        }
    }
}
