package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Arrays;
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
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A directory entry in the compact form reads back as it was written, takes under half the POJO
 * form's bytes for the ids the identity stage gives, and 0.1's POJO form migrates.
 */
class DirectoryEntrySerializerTest {
    private static final DirectoryEntrySerializer COMPACT = DirectoryEntrySerializer.INSTANCE;
    private static final TypeSerializer<DirectoryEntry> POJO =
            Types.<DirectoryEntry>POJO(
                            DirectoryEntry.class,
                            Map.of(
                                    "profileId", Types.STRING,
                                    "rejections", Types.INT,
                                    "quarantined", Types.BOOLEAN))
                    .createSerializer(new SerializerConfigImpl());

    @Property(tries = 500)
    void everyEntryReadsBackAsItWasWritten(@ForAll("entries") DirectoryEntry entry)
            throws IOException {
        DirectoryEntry read = COMPACT.deserialize(input(compact(entry)));
        assertSame(entry, read);
        assertSame(entry, COMPACT.copy(entry));
    }

    @Test
    void flinkStoresEntriesInTheCompactForm() {
        assertInstanceOf(
                DirectoryEntrySerializer.class,
                TypeInformation.of(DirectoryEntry.class)
                        .createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void anEntryOfTheStagesOwnIdTakesUnderHalfThePojoForm() throws IOException {
        DirectoryEntry entry =
                new DirectoryEntry(
                        IdentityKeys.profileId("default", 1_743_494_641_134L, "device_id:web-1"));
        DataOutputSerializer pojo = new DataOutputSerializer(64);
        POJO.serialize(entry, pojo);
        int compact = compact(entry).length;
        assertEquals(1 + 10 + 1, compact, "flags, digest, rejections");
        assertTrue(compact * 2 < pojo.length(), "POJO form: " + pojo.length());

        DirectoryEntry timed =
                new DirectoryEntry(
                        IdentityKeys.timedProfileId(
                                "default", 1_743_494_641_134L, "device_id:web-1"));
        assertEquals(1 + 6 + 8 + 1, compact(timed).length, "flags, time, digest, rejections");
    }

    @Test
    void onlyIdsOfTheShortFormAreWrittenAsTheirTenBytes() {
        String id = IdentityKeys.profileId("t", 1_743_494_641_134L, "device_id:x");
        assertEquals(15, id.length());
        assertTrue(id.startsWith("p"), id);
        assertEquals(id, ProfileIdForm.shortId(ProfileIdForm.shortDigestOf(id)));
        assertNotEquals(id, IdentityKeys.profileId("t", 1_743_494_641_135L, "device_id:x"));
        assertNotEquals(id, IdentityKeys.profileId("u", 1_743_494_641_134L, "device_id:x"));
        char last = id.charAt(14);
        String otherBitsSet = id.substring(0, 14) + (char) (last == 'A' ? 'B' : last + 1);
        assertNull(ProfileIdForm.shortDigestOf(otherBitsSet), "not the form: " + otherBitsSet);
        assertNull(ProfileIdForm.shortDigestOf(id.substring(0, 14) + "="));
        assertNull(ProfileIdForm.shortDigestOf("q" + id.substring(1)));
        assertNull(ProfileIdForm.shortDigestOf(id + "A"));
        assertNull(ProfileIdForm.shortDigestOf(null));
        assertNull(ProfileIdForm.createdAtOf(id), "no time in a short id");
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        DirectoryEntry entry = new DirectoryEntry(IdentityKeys.profileId("t", 5L, "email:a@b"));
        entry.rejections = 3;
        entry.quarantined = true;
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration())
                        .isCompatibleAfterMigration());
        DataOutputSerializer old = new DataOutputSerializer(64);
        POJO.snapshotConfiguration().restoreSerializer().serialize(entry, old);
        DirectoryEntry migrated =
                COMPACT.deserialize(input(compact(POJO.deserialize(input(old.getCopyOfBuffer())))));
        assertSame(entry, migrated);
    }

    @Test
    void onlyIdsOfTheStagesFormAreWrittenAsTheirDigest() {
        long t = 1_743_494_641_134L;
        String id = IdentityKeys.timedProfileId("t", t, "device_id:x");
        assertEquals(t, ProfileIdForm.createdAtOf(id));
        assertEquals(-7L, ProfileIdForm.createdAtOf(IdentityKeys.timedProfileId("t", -7, "x")));
        assertNull(ProfileIdForm.shortDigestOf(id));
        assertNull(ProfileIdForm.createdAtOf(id.toUpperCase()));
        assertNull(ProfileIdForm.createdAtOf(id + "0"));
        assertNull(ProfileIdForm.createdAtOf("p__0123456789abcdef"));
        assertNull(ProfileIdForm.createdAtOf("p_x_0123456789abcdef"));
        assertNull(ProfileIdForm.createdAtOf("legacy-42"));
        assertNull(ProfileIdForm.createdAtOf("p_1_0123456789abcde\u0663"), "a non-ASCII digit");
        assertNull(ProfileIdForm.createdAtOf(null));
    }

    @Test
    void aTruncatedEntryIsAnErrorNotAGuess() throws IOException {
        byte[] bytes = compact(new DirectoryEntry(IdentityKeys.profileId("t", 9, "x")));
        byte[] truncated = Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(IOException.class, () -> COMPACT.deserialize(input(truncated)));
    }

    @Provide
    Arbitrary<DirectoryEntry> entries() {
        Arbitrary<String> ids =
                Arbitraries.oneOf(
                        Combinators.combine(
                                        Arbitraries.longs(), Arbitraries.strings().ofMaxLength(8))
                                .as((t, f) -> IdentityKeys.profileId("t", t, f)),
                        Combinators.combine(
                                        Arbitraries.longs(), Arbitraries.strings().ofMaxLength(8))
                                .as((t, f) -> IdentityKeys.timedProfileId("t", t, f)),
                        Arbitraries.strings()
                                .withChars("ABCDEFQgw_-09az")
                                .ofLength(14)
                                .map(text -> "p" + text),
                        Arbitraries.strings().ofMaxLength(40),
                        Arbitraries.of("p_1_0123456789ABCDEF", "p_-_0123456789abcdef", "p_"));
        return Combinators.combine(
                        ids.injectNull(0.05), Arbitraries.integers(), Arbitraries.of(true, false))
                .as(
                        (id, rejections, quarantined) -> {
                            DirectoryEntry e = new DirectoryEntry(id);
                            e.rejections = rejections;
                            e.quarantined = quarantined;
                            return e;
                        });
    }

    private static void assertSame(DirectoryEntry expected, DirectoryEntry actual) {
        assertEquals(expected.profileId, actual.profileId);
        assertEquals(expected.rejections, actual.rejections);
        assertEquals(expected.quarantined, actual.quarantined);
    }

    private static byte[] compact(DirectoryEntry entry) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        COMPACT.serialize(entry, out);
        return out.getCopyOfBuffer();
    }

    private static DataInputDeserializer input(byte[] bytes) {
        return new DataInputDeserializer(bytes);
    }
}
