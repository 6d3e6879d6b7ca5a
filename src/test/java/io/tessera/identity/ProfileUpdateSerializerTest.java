package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A profile change in its compact form: a snapshot, a merge's removal and a deletion read back as
 * written, a copy does not share the snapshot, Flink picks the form, and other bytes are refused.
 */
class ProfileUpdateSerializerTest {
    private static final ProfileUpdateSerializer COMPACT = ProfileUpdateSerializer.INSTANCE;

    @Test
    void eachKindOfChangeReadsBackAsWritten() throws IOException {
        ProfileState shopper = ProfileStateSerializerTest.shopper();
        List<ProfileUpdate> changes =
                List.of(
                        new ProfileUpdate(shopper.id, shopper, null),
                        new ProfileUpdate("pLoserLoserLose", null, shopper.id),
                        new ProfileUpdate("p_1743494641134_00000000deadbeef", null, null));
        for (ProfileUpdate change : changes) {
            byte[] written = compact(change);
            ProfileUpdate read = COMPACT.deserialize(new DataInputDeserializer(written));
            assertEquals(change.profileId(), read.profileId());
            assertEquals(change.mergedInto(), read.mergedInto());
            assertEquals(change.isRemoval(), read.isRemoval());
            assertArrayEquals(written, compact(read));
        }
    }

    @Test
    void aCopyHasItsOwnSnapshot() throws IOException {
        ProfileState shopper = ProfileStateSerializerTest.shopper();
        ProfileUpdate change = new ProfileUpdate(shopper.id, shopper, null);
        ProfileUpdate copy = COMPACT.copy(change);
        assertNotSame(shopper, copy.snapshot());
        assertArrayEquals(compact(change), compact(copy));
        shopper.audiences.clear();
        assertEquals(2, copy.snapshot().audiences.size());
        assertNull(COMPACT.copy(new ProfileUpdate("p", null, null)).snapshot());
    }

    @Test
    void flinkCarriesChangesInTheCompactForm() {
        assertInstanceOf(
                ProfileUpdateSerializer.class,
                TypeInformation.of(ProfileUpdate.class)
                        .createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void otherBytesAreRefused() throws IOException {
        byte[] written = compact(new ProfileUpdate("p", null, null));
        written[0] = 7;
        assertEquals(
                "a profile change of form 7: this release reads 1",
                assertThrows(
                                IOException.class,
                                () -> COMPACT.deserialize(new DataInputDeserializer(written)))
                        .getMessage());
        byte[] flags = compact(new ProfileUpdate("p", null, null));
        flags[1] = (byte) 0x80;
        assertEquals(
                "a profile change with flags 128 it cannot have",
                assertThrows(
                                IOException.class,
                                () -> COMPACT.deserialize(new DataInputDeserializer(flags)))
                        .getMessage());
    }

    private static byte[] compact(ProfileUpdate change) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        COMPACT.serialize(change, out);
        return out.getCopyOfBuffer();
    }
}
