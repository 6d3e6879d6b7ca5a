package io.tessera.traits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A trait state stored in the compact form reads back exactly as it was written, takes a fraction
 * of the POJO form's bytes, and the savepoints of releases that wrote the POJO form restore through
 * Flink's state migration.
 */
class TraitStateSerializerTest {
    private static final TypeSerializer<TraitState> POJO =
            Types.<TraitState>POJO(
                            TraitState.class,
                            Map.of(
                                    "buckets",
                                    Types.MAP(Types.LONG, Types.POJO(Bucket.class)),
                                    "score",
                                    Types.DOUBLE,
                                    "scoreTime",
                                    Types.LONG))
                    .createSerializer(new SerializerConfigImpl());

    @Property(tries = 500)
    void everyTraitStateReadsBackAsItWasWritten(@ForAll("states") TraitState state)
            throws IOException {
        TraitState read = TraitStateSerializer.INSTANCE.deserialize(input(compact(state)));

        assertSame(state, read);
        assertSame(state, TraitStateSerializer.INSTANCE.copy(state));
    }

    @Test
    void flinkStoresTraitStatesInTheCompactForm() {
        assertInstanceOf(
                TraitStateSerializer.class,
                TypeInformation.of(TraitState.class).createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void aCountersLifetimeBucketTakesAFewBytesInsteadOfTheWholePojo() throws IOException {
        TraitState counter = new TraitState();
        Bucket bucket = new Bucket();
        bucket.add(1_743_494_641_134L, null, null);
        counter.buckets.put(TraitState.LIFETIME, bucket);

        int compact = compact(counter).length;
        DataOutputSerializer pojo = new DataOutputSerializer(128);
        POJO.serialize(counter, pojo);

        assertEquals(4, compact, "flags, one bucket, its mask, its count");
        assertTrue(pojo.length() > 10 * compact, "POJO form: " + pojo.length() + " bytes");
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        TraitState state = new TraitState();
        Bucket bucket = new Bucket();
        bucket.add(1_743_494_641_134L, 68.0, "shoes");
        state.buckets.put(1_743_494_400_000L, bucket);
        state.score = 4.85;
        state.scoreTime = 1_743_494_779_134L;

        var compatibility =
                TraitStateSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration());
        assertTrue(compatibility.isCompatibleAfterMigration());
        // what the migration does: the restored POJO serializer reads, the compact one writes
        DataOutputSerializer old = new DataOutputSerializer(256);
        POJO.snapshotConfiguration().restoreSerializer().serialize(state, old);
        TraitState migrated =
                TraitStateSerializer.INSTANCE.deserialize(
                        input(compact(POJO.deserialize(input(old.getCopyOfBuffer())))));
        assertSame(state, migrated);
    }

    @Test
    void aSnapshotOfItsOwnIsCompatibleAsItIsAndAnUnrelatedOneIsNot() {
        var snapshot = TraitStateSerializer.INSTANCE.snapshotConfiguration();
        assertTrue(snapshot.resolveSchemaCompatibility(snapshot).isCompatibleAsIs());
        @SuppressWarnings({"unchecked", "rawtypes"})
        var unrelated =
                snapshot.resolveSchemaCompatibility(
                        (org.apache.flink.api.common.typeutils.TypeSerializerSnapshot)
                                StringSerializer.INSTANCE.snapshotConfiguration());
        assertTrue(unrelated.isIncompatible());
    }

    @Test
    void aTruncatedOrCorruptStateIsAnErrorNotAGuess() throws IOException {
        TraitState state = new TraitState();
        Bucket bucket = new Bucket();
        bucket.add(5, 1.0, "a");
        state.buckets.put(TraitState.LIFETIME, bucket);
        byte[] bytes = compact(state);
        byte[] truncated = java.util.Arrays.copyOf(bytes, bytes.length - 2);
        assertThrows(
                IOException.class,
                () -> TraitStateSerializer.INSTANCE.deserialize(input(truncated)));
        byte[] endless = {
            0,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF,
            (byte) 0xFF
        };
        IOException error =
                assertThrows(
                        IOException.class,
                        () -> TraitStateSerializer.INSTANCE.deserialize(input(endless)));
        assertTrue(error.getMessage().contains("corrupt"), error.getMessage());
    }

    @Provide
    Arbitrary<TraitState> states() {
        Arbitrary<Long> times =
                Arbitraries.oneOf(
                        Arbitraries.longs(),
                        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L),
                        Arbitraries.longs().between(1_700_000_000_000L, 1_800_000_000_000L));
        Arbitrary<Double> doubles =
                Arbitraries.oneOf(
                        Arbitraries.doubles(),
                        Arbitraries.of(0.0, -0.0, Double.NaN, Double.MAX_VALUE, -1.5));
        Arbitrary<String> texts =
                Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(12), Arbitraries.of("", "shoes", "ü€𝄞"));
        Arbitrary<Bucket> buckets =
                Combinators.combine(
                                List.of(
                                        times.asGeneric(),
                                        doubles.asGeneric(),
                                        doubles.injectNull(0.5).asGeneric(),
                                        doubles.injectNull(0.5).asGeneric(),
                                        times.asGeneric(),
                                        texts.injectNull(0.5).asGeneric(),
                                        times.asGeneric(),
                                        texts.injectNull(0.5).asGeneric(),
                                        Arbitraries.maps(texts, times).ofMaxSize(4).asGeneric()))
                        .as(
                                f -> {
                                    Bucket b = new Bucket();
                                    b.count = (Long) f.get(0);
                                    b.sum = (Double) f.get(1);
                                    b.min = (Double) f.get(2);
                                    b.max = (Double) f.get(3);
                                    b.firstTime = (Long) f.get(4);
                                    b.firstValue = (String) f.get(5);
                                    b.lastTime = (Long) f.get(6);
                                    b.lastValue = (String) f.get(7);
                                    @SuppressWarnings("unchecked")
                                    Map<String, Long> values = (Map<String, Long>) f.get(8);
                                    b.values.putAll(values);
                                    return b;
                                });
        return Combinators.combine(
                        Arbitraries.maps(
                                        Arbitraries.oneOf(
                                                Arbitraries.just(TraitState.LIFETIME), times),
                                        buckets)
                                .ofMaxSize(5),
                        doubles,
                        times)
                .as(
                        (map, score, scoreTime) -> {
                            TraitState s = new TraitState();
                            s.buckets.putAll(map);
                            s.score = score;
                            s.scoreTime = scoreTime;
                            return s;
                        });
    }

    private static void assertSame(TraitState expected, TraitState actual) {
        assertEquals(expected.buckets, actual.buckets);
        assertEquals(
                Double.doubleToRawLongBits(expected.score),
                Double.doubleToRawLongBits(actual.score));
        assertEquals(expected.scoreTime, actual.scoreTime);
        assertEquals(java.util.TreeMap.class, actual.buckets.getClass());
    }

    private static byte[] compact(TraitState state) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        TraitStateSerializer.INSTANCE.serialize(state, out);
        return out.getCopyOfBuffer();
    }

    private static DataInputDeserializer input(byte[] bytes) {
        return new DataInputDeserializer(bytes);
    }
}
