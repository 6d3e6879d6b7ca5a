package io.tessera.state;

import java.util.function.Supplier;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializerSnapshot;

/**
 * The snapshot of a compact serializer that replaced Flink's POJO serializer for a type: a
 * savepoint of the POJO form (a release up to 0.1) is "compatible after migration", so Flink reads
 * it with the restored POJO serializer and writes the compact form as it restores; a snapshot of
 * the compact serializer itself is compatible as it is. A subclass needs a public no-argument
 * constructor, by which Flink restores it.
 */
public abstract class MigratesFromPojo<T> extends SimpleTypeSerializerSnapshot<T> {
    protected MigratesFromPojo(Supplier<? extends TypeSerializer<T>> serializer) {
        super(serializer);
    }

    @Override
    public TypeSerializerSchemaCompatibility<T> resolveSchemaCompatibility(
            TypeSerializerSnapshot<T> oldSerializerSnapshot) {
        if (oldSerializerSnapshot instanceof PojoSerializerSnapshot) {
            return TypeSerializerSchemaCompatibility.compatibleAfterMigration();
        }
        return super.resolveSchemaCompatibility(oldSerializerSnapshot);
    }
}
