package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * CEP stores a sequence's events without the profile id its key carries, in about half the bytes,
 * and restores the POJO form that releases up to 0.1 stored.
 */
class SequenceEventSerializerTest {
    private static final TypeSerializer<ResolvedEvent> POJO =
            TypeInformation.of(ResolvedEvent.class).createSerializer(new SerializerConfigImpl());

    private static final ResolvedEvent VIEW =
            new ResolvedEvent(
                    "p_1743494641134_9bcaaf7b674dfeb0",
                    new CustomerEvent(
                            null,
                            "track",
                            "Product Viewed",
                            1_743_494_641_134L,
                            List.of(),
                            null,
                            "{\"properties\":{\"product_id\":\"water-bottle\"}}",
                            null));

    @Test
    void anEventReadsBackWithEverythingButItsProfileId() throws IOException {
        ResolvedEvent read = SequenceEventSerializer.INSTANCE.deserialize(input(bytes(VIEW)));

        assertNull(read.profileId());
        assertEquals(VIEW.event(), read.event());
        ResolvedEvent named =
                new ResolvedEvent(
                        null,
                        new CustomerEvent("msg-1", null, null, -5, List.of(), null, null, null));
        assertEquals(
                named.event(),
                SequenceEventSerializer.INSTANCE.deserialize(input(bytes(named))).event());
    }

    @Test
    void itTakesAboutHalfThePojoFormsBytes() throws IOException {
        DataOutputSerializer pojo = new DataOutputSerializer(256);
        POJO.serialize(VIEW, pojo);

        int compact = bytes(VIEW).length;
        assertTrue(compact < 0.6 * pojo.length(), compact + " against " + pojo.length());
    }

    @Test
    void anEventAReleaseBufferedWholeKeepsWhatTheStepsRead() throws IOException {
        // 0.1 had no projection: its savepoints hold events with identifiers and tenant
        CustomerEvent whole =
                new CustomerEvent(
                        "msg-2",
                        "track",
                        "Product Viewed",
                        1L,
                        List.of(new Identifier("user_id", "u1")),
                        "anon-1",
                        "{\"properties\":{\"product_id\":\"p1\"}}",
                        "acme");
        CustomerEvent read =
                SequenceEventSerializer.INSTANCE
                        .deserialize(input(bytes(new ResolvedEvent("p_1", whole))))
                        .event();

        assertEquals(
                new CustomerEvent(
                        "msg-2",
                        "track",
                        "Product Viewed",
                        1L,
                        List.of(),
                        null,
                        whole.message(),
                        null),
                read);
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        assertTrue(
                SequenceEventSerializer.INSTANCE
                        .snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration())
                        .isCompatibleAfterMigration());
        DataOutputSerializer old = new DataOutputSerializer(256);
        POJO.serialize(VIEW, old);
        ResolvedEvent migrated =
                SequenceEventSerializer.INSTANCE.deserialize(
                        input(bytes(POJO.deserialize(input(old.getCopyOfBuffer())))));
        assertEquals(VIEW.event(), migrated.event());
        var own = SequenceEventSerializer.INSTANCE.snapshotConfiguration();
        assertTrue(own.resolveSchemaCompatibility(own).isCompatibleAsIs());
    }

    @Test
    void aCopyKeepsTheProfileId() {
        assertEquals(VIEW, SequenceEventSerializer.INSTANCE.copy(VIEW));
    }

    private static byte[] bytes(ResolvedEvent event) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(64);
        SequenceEventSerializer.INSTANCE.serialize(event, out);
        return out.getCopyOfBuffer();
    }

    private static DataInputDeserializer input(byte[] bytes) {
        return new DataInputDeserializer(bytes);
    }
}
