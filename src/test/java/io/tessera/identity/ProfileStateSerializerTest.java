package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.traits.Bucket;
import io.tessera.traits.TraitState;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A profile stored in the compact form reads back exactly as it was written (and Flink's copies of
 * it share nothing with it), takes fewer bytes than the POJO form, and the savepoints of releases
 * that wrote the POJO form restore through Flink's state migration.
 */
class ProfileStateSerializerTest {
    private static final ProfileStateSerializer COMPACT = ProfileStateSerializer.INSTANCE;

    /** The form releases up to 0.1 wrote: Flink's POJO serializer over the same fields. */
    private static final TypeSerializer<ProfileState> POJO = pojo();

    @Property(tries = 300)
    void everyProfileReadsBackAsItWasWritten(@ForAll("profiles") ProfileState profile)
            throws IOException {
        byte[] bytes = compact(profile);
        ProfileState read = COMPACT.deserialize(input(bytes));

        assertArrayEquals(bytes, compact(read), "the same profile again");
        assertSameProfile(profile, read);
        ProfileState copy = COMPACT.copy(profile);
        assertSameProfile(profile, copy);
        assertArrayEquals(bytes, compact(copy));
    }

    @Property(tries = 100)
    void aCopySharesNothingThatChanges(@ForAll("profiles") ProfileState profile)
            throws IOException {
        byte[] before = compact(profile);
        ProfileState copy = COMPACT.copy(profile);
        copy.identifiers.add("email:changed@example.org");
        copy.countsByType.merge("track", 1L, Long::sum);
        copy.traitStates.computeIfAbsent("orders", id -> new TraitState()).score += 1;
        copy.traits.put("plan", new TraitValue("\"pro\"", 1, "m"));
        copy.audiences.put("buyers", 5L);

        assertArrayEquals(before, compact(profile), "the original is as it was");
        assertNotSame(profile.identifiers, copy.identifiers);
    }

    @Test
    void flinkStoresAndSendsProfilesInTheCompactForm() {
        assertInstanceOf(
                ProfileStateSerializer.class,
                TypeInformation.of(ProfileState.class)
                        .createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void aShopProfileTakesFewerBytesThanThePojoForm() throws IOException {
        ProfileState shopper = shopper();
        DataOutputSerializer pojo = new DataOutputSerializer(1024);
        POJO.serialize(shopper, pojo);
        int compact = compact(shopper).length;

        assertTrue(
                compact < pojo.length() * 0.7,
                "compact " + compact + " bytes against the POJO form's " + pojo.length());
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        ProfileState shopper = shopper();
        var compatibility =
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration());
        assertTrue(compatibility.isCompatibleAfterMigration());
        // what the migration does: the restored POJO serializer reads, the compact one writes
        DataOutputSerializer old = new DataOutputSerializer(1024);
        POJO.snapshotConfiguration().restoreSerializer().serialize(shopper, old);
        ProfileState restored = POJO.deserialize(input(old.getCopyOfBuffer()));
        ProfileState migrated = COMPACT.deserialize(input(compact(restored)));
        assertSameProfile(shopper, migrated);
    }

    @Test
    void aMissingMapReadsBackEmpty() throws IOException {
        ProfileState profile = shopper();
        profile.countsByEvent = null;
        profile.identifiers = null;

        ProfileState read = COMPACT.deserialize(input(compact(profile)));

        assertEquals(Map.of(), read.countsByEvent);
        assertEquals(List.of(), read.identifiers);
    }

    @Test
    void aTruncatedOrUnknownFormIsAnErrorNotAGuess() throws IOException {
        byte[] bytes = compact(shopper());
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(IOException.class, () -> COMPACT.deserialize(input(truncated)));

        byte[] later = bytes.clone();
        later[0] = (byte) (ProfileStateSerializer.FORMAT + 1);
        IOException error =
                assertThrows(IOException.class, () -> COMPACT.deserialize(input(later)));
        assertTrue(error.getMessage().contains("format"), error.getMessage());
    }

    /** A profile as the bench's shop makes them: a known visitor with traits and audiences. */
    private static ProfileState shopper() {
        ProfileState p = new ProfileState();
        p.createdAt = 1_743_494_641_134L;
        p.founder = "device_id:web-1215";
        p.id = IdentityKeys.profileId("default", p.createdAt, p.founder);
        p.identifiers.addAll(
                List.of(
                        "device_id:web-1215",
                        "anonymous_id:anon-93d051",
                        "user_id:user-2215",
                        "email:shopper1215@mail.example.org"));
        p.firstSeen = 1_743_494_641_134L;
        p.lastSeen = 1_743_494_779_134L;
        p.eventCount = 6;
        p.countsByType.putAll(Map.of("identify", 1L, "track", 4L, "page", 1L));
        p.countsByEvent.putAll(
                Map.of("Product Added", 1L, "Order Completed", 1L, "Product Viewed", 2L));
        p.traits.put("firstName", new TraitValue("\"Shopper 1215\"", 1_743_494_743_134L, "m-6649"));
        TraitState views = new TraitState();
        Bucket bucket = new Bucket();
        bucket.add(1_743_494_673_134L, null, "water-bottle");
        views.buckets.put(TraitState.LIFETIME, bucket);
        p.traitStates.put("viewed_products", views);
        p.traitValues.putAll(
                Map.of("orders", "1", "favorite_category", "\"shoes\"", "engagement", "4.85"));
        p.audiences.putAll(Map.of("buyers", 1_743_494_779_134L, "shoe_fans", 1_743_494_688_134L));
        p.wakeAt = 1_743_498_300_000L;
        return p;
    }

    @Provide
    Arbitrary<ProfileState> profiles() {
        Arbitrary<Long> times =
                Arbitraries.oneOf(
                        Arbitraries.longs(),
                        Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L),
                        Arbitraries.longs().between(1_700_000_000_000L, 1_800_000_000_000L));
        Arbitrary<String> texts =
                Arbitraries.oneOf(
                        Arbitraries.strings().ofMaxLength(12),
                        Arbitraries.of(
                                "", "email:a@b.c", "ü€𝄞", "user_id:", "device_id:web-1", "fan:7"));
        Arbitrary<TraitValue> values =
                Combinators.combine(texts.injectNull(0.2), times, texts.injectNull(0.3))
                        .as(TraitValue::new);
        Arbitrary<Map<String, Long>> counts =
                Arbitraries.maps(texts, times.injectNull(0.05)).ofMaxSize(4);
        Arbitrary<TraitState> states =
                Combinators.combine(times, Arbitraries.doubles())
                        .as(
                                (time, score) -> {
                                    TraitState s = new TraitState();
                                    Bucket b = new Bucket();
                                    b.count = 2;
                                    b.sum = score;
                                    b.lastValue = "v";
                                    s.buckets.put(time, b);
                                    s.score = score;
                                    s.scoreTime = time;
                                    return s;
                                });
        return Combinators.combine(
                        List.of(
                                texts.injectNull(0.1).asGeneric(),
                                times.asGeneric(),
                                texts.list().ofMaxSize(5).asGeneric(),
                                times.list().ofSize(4).asGeneric(),
                                counts.asGeneric(),
                                Arbitraries.maps(texts, values.injectNull(0.05))
                                        .ofMaxSize(3)
                                        .asGeneric(),
                                Arbitraries.maps(texts, states).ofMaxSize(3).asGeneric(),
                                Arbitraries.maps(texts, texts.injectNull(0.05))
                                        .ofMaxSize(4)
                                        .asGeneric(),
                                values.injectNull(0.5).asGeneric(),
                                counts.injectNull(0.5).asGeneric(),
                                counts.injectNull(0.5).asGeneric()))
                .as(
                        f -> {
                            ProfileState p = new ProfileState();
                            p.id = (String) f.get(0);
                            p.founder = p.id;
                            p.createdAt = (Long) f.get(1);
                            p.identifiers.addAll(cast(f.get(2)));
                            if (p.createdAt % 3 == 0) {
                                // as the identity stage makes them
                                p.id = IdentityKeys.profileId("t", p.createdAt, "device_id:x");
                            }
                            if (!p.identifiers.isEmpty() && p.createdAt % 2 == 0) {
                                p.founder = p.identifiers.get(0);
                            }
                            List<Long> t = cast(f.get(3));
                            p.firstSeen = t.get(0);
                            p.lastSeen = t.get(1);
                            p.eventCount = t.get(2);
                            p.wakeAt = t.get(3);
                            p.valuesAt = t.get(0);
                            p.countsByType.putAll(cast(f.get(4)));
                            p.countsByEvent.putAll(cast(f.get(4)));
                            p.traits.putAll(cast(f.get(5)));
                            p.traitStates.putAll(cast(f.get(6)));
                            p.traitValues.putAll(cast(f.get(7)));
                            p.audiences.putAll(cast(f.get(4)));
                            p.consent = (TraitValue) f.get(8);
                            p.orderPositions =
                                    f.get(9) == null
                                            ? null
                                            : new TreeMap<String, Long>(
                                                    ProfileStateSerializerTest
                                                            .<Map<String, Long>>cast(f.get(9)));
                            p.orderFloors =
                                    f.get(10) == null
                                            ? null
                                            : new TreeMap<String, Long>(
                                                    ProfileStateSerializerTest
                                                            .<Map<String, Long>>cast(f.get(10)));
                            return p;
                        });
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private static void assertSameProfile(ProfileState expected, ProfileState actual) {
        assertEquals(expected.id, actual.id);
        assertEquals(expected.createdAt, actual.createdAt);
        assertEquals(expected.founder, actual.founder);
        assertEquals(expected.identifiers, actual.identifiers);
        assertEquals(expected.firstSeen, actual.firstSeen);
        assertEquals(expected.lastSeen, actual.lastSeen);
        assertEquals(expected.eventCount, actual.eventCount);
        assertEquals(expected.countsByType, actual.countsByType);
        assertEquals(expected.countsByEvent, actual.countsByEvent);
        assertEquals(expected.traits, actual.traits);
        assertEquals(expected.traitStates.keySet(), actual.traitStates.keySet());
        expected.traitStates.forEach(
                (id, state) -> {
                    TraitState other = actual.traitStates.get(id);
                    assertEquals(state.buckets, other.buckets);
                    assertEquals(
                            Double.doubleToRawLongBits(state.score),
                            Double.doubleToRawLongBits(other.score));
                    assertEquals(state.scoreTime, other.scoreTime);
                });
        assertEquals(expected.traitValues, actual.traitValues);
        assertEquals(expected.audiences, actual.audiences);
        assertEquals(expected.consent, actual.consent);
        assertEquals(expected.wakeAt, actual.wakeAt);
        assertEquals(expected.valuesAt, actual.valuesAt);
        assertEquals(expected.orderPositions, actual.orderPositions);
        assertEquals(expected.orderFloors, actual.orderFloors);
    }

    private static TypeSerializer<ProfileState> pojo() {
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        fields.put("id", Types.STRING);
        fields.put("createdAt", Types.LONG);
        fields.put("founder", Types.STRING);
        fields.put("identifiers", Types.LIST(Types.STRING));
        fields.put("firstSeen", Types.LONG);
        fields.put("lastSeen", Types.LONG);
        fields.put("eventCount", Types.LONG);
        fields.put("countsByType", Types.MAP(Types.STRING, Types.LONG));
        fields.put("countsByEvent", Types.MAP(Types.STRING, Types.LONG));
        fields.put("traits", Types.MAP(Types.STRING, Types.POJO(TraitValue.class)));
        fields.put("traitStates", Types.MAP(Types.STRING, TypeInformation.of(TraitState.class)));
        fields.put("traitValues", Types.MAP(Types.STRING, Types.STRING));
        fields.put("audiences", Types.MAP(Types.STRING, Types.LONG));
        fields.put("consent", Types.POJO(TraitValue.class));
        fields.put("wakeAt", Types.LONG);
        fields.put("orderPositions", Types.MAP(Types.STRING, Types.LONG));
        fields.put("orderFloors", Types.MAP(Types.STRING, Types.LONG));
        return Types.<ProfileState>POJO(ProfileState.class, fields)
                .createSerializer(new SerializerConfigImpl());
    }

    private static byte[] compact(ProfileState profile) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        COMPACT.serialize(profile, out);
        return out.getCopyOfBuffer();
    }

    private static DataInputDeserializer input(byte[] bytes) {
        return new DataInputDeserializer(bytes);
    }
}
