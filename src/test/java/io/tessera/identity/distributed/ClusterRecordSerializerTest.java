package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.IdentityJson;
import io.tessera.identity.ProfileState;
import io.tessera.identity.TraitValue;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A cluster's record reads back from the compact form as it was written, every field, in fewer
 * bytes than the POJO form, whose savepoints (releases up to 0.1) restore through Flink's state
 * migration.
 */
class ClusterRecordSerializerTest {
    private static final ClusterRecordSerializer COMPACT = ClusterRecordSerializer.INSTANCE;
    private static final TypeSerializer<ClusterRecord> POJO = pojo();

    @Test
    void flinkStoresClustersInTheCompactForm() {
        assertInstanceOf(
                ClusterRecordSerializer.class,
                TypeInformation.of(ClusterRecord.class)
                        .createSerializer(new SerializerConfigImpl()));
    }

    @Test
    void everyFieldReadsBackAsWritten() throws IOException {
        for (ClusterRecord record : List.of(full(), new ClusterRecord())) {
            byte[] written = compact(record);
            ClusterRecord read = COMPACT.deserialize(new DataInputDeserializer(written));
            assertEquals(described(record), described(read));
            assertArrayEquals(written, compact(read));
            assertEquals(described(record), described(COMPACT.copy(record)));
        }
    }

    @Test
    void aClusterTakesFewerBytesThanThePojoForm() throws IOException {
        DataOutputSerializer pojo = new DataOutputSerializer(1024);
        POJO.serialize(full(), pojo);
        int compact = compact(full()).length;

        assertTrue(
                compact < pojo.length() * 0.8,
                "compact " + compact + " bytes against the POJO form's " + pojo.length());
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration())
                        .isCompatibleAfterMigration());
        // what the migration does: the restored POJO serializer reads, the compact one writes
        DataOutputSerializer old = new DataOutputSerializer(1024);
        POJO.snapshotConfiguration().restoreSerializer().serialize(full(), old);
        ClusterRecord restored = POJO.deserialize(new DataInputDeserializer(old.getCopyOfBuffer()));
        ClusterRecord migrated = COMPACT.deserialize(new DataInputDeserializer(compact(restored)));
        assertEquals(described(full()), described(migrated));
    }

    @Test
    void aTruncatedOrUnknownFormIsAnErrorNotAGuess() throws IOException {
        byte[] written = compact(full());
        byte[] cut = java.util.Arrays.copyOf(written, written.length - 4);
        assertThrows(Exception.class, () -> COMPACT.deserialize(new DataInputDeserializer(cut)));
        byte[] later = written.clone();
        later[0] = (byte) (ClusterRecordSerializer.FORMAT + 1);
        IOException refused =
                assertThrows(
                        IOException.class,
                        () -> COMPACT.deserialize(new DataInputDeserializer(later)));
        assertTrue(refused.getMessage().contains("form 2"), refused.getMessage());
    }

    /** A record with every field set, each to a value other than its default. */
    private static ClusterRecord full() {
        ProfileState profile = ProfileState.found("p_1_x", 1, new Identifier("user_id", "u1"));
        profile.add(new Identifier("email", "ä@b.io"));
        profile.credit("identify", null, 5, Map.of("plan", new TraitValue("\"pro\"", 5, "m1")));
        profile.audiences.put("buyers", 5L);
        CustomerEvent delete =
                new CustomerEvent(
                        "m9",
                        "track",
                        "Delete",
                        9,
                        List.of(new Identifier("user_id", "u1")),
                        null,
                        "{}",
                        "acme");
        Reservation reservation =
                new Reservation(
                        new TreeMap<>(Map.of("user_id", "u2")),
                        new TreeMap<>(Map.of("user_id", 1, "email", 2)),
                        3);
        ClusterRecord r = new ClusterRecord();
        r.tombstone = true;
        r.forward = "2/email:a@b.io";
        r.members = new ArrayList<>(List.of("email:ä@b.io", "user_id:u1"));
        r.state = profile;
        r.absorbed = new ArrayList<>(List.of("3/device_id:d1"));
        r.reserved = new TreeMap<>(Map.of("4/phone:+1", reservation));
        r.lockedOn = "5/user_id:u9";
        r.fallbacks = new ArrayList<>(List.of("6/a", "7/b"));
        r.carried = new byte[] {6, 1, 2};
        r.buffer = new ArrayList<>(List.of(new byte[] {6, 3}, new byte[0]));
        r.held = new ArrayList<>(List.<byte[]>of(new byte[] {6, 4}));
        r.unhealthy = true;
        r.announced = true;
        r.erased = true;
        r.erasedBy = delete;
        r.erasedAt = 9;
        r.erasedHeld = new Reservation(null, null, 0);
        r.blamed = "device_id:d1";
        r.linkedAt = -7;
        r.offered = true;
        r.awaitingFounder = true;
        r.early = new ArrayList<>(List.<byte[]>of(new byte[] {6, 5}));
        r.planned = new ArrayList<>(List.<byte[]>of(new byte[] {6, 6, 6}));
        return r;
    }

    /** Every field of a record as text, the profile as the job shows it. */
    private static String described(ClusterRecord r) {
        return String.join(
                " | ",
                String.valueOf(r.tombstone),
                String.valueOf(r.forward),
                String.valueOf(r.members),
                r.state == null ? "null" : IdentityJson.profile(r.state).toString(),
                String.valueOf(r.absorbed),
                String.valueOf(r.reserved),
                String.valueOf(r.lockedOn),
                String.valueOf(r.fallbacks),
                r.carried == null ? "null" : java.util.Arrays.toString(r.carried),
                records(r.buffer),
                records(r.held),
                String.valueOf(r.unhealthy),
                String.valueOf(r.announced),
                String.valueOf(r.erased),
                String.valueOf(r.erasedBy),
                String.valueOf(r.erasedAt),
                String.valueOf(r.erasedHeld),
                String.valueOf(r.blamed),
                String.valueOf(r.linkedAt),
                String.valueOf(r.offered),
                String.valueOf(r.awaitingFounder),
                records(r.early),
                records(r.planned));
    }

    private static String records(List<byte[]> records) {
        return records == null
                ? "[]"
                : records.stream().map(java.util.Arrays::toString).toList().toString();
    }

    private static byte[] compact(ClusterRecord record) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        COMPACT.serialize(record, out);
        return out.getCopyOfBuffer();
    }

    /** The form releases up to 0.1 wrote: Flink's POJO serializer over the same fields. */
    private static TypeSerializer<ClusterRecord> pojo() {
        Map<String, TypeInformation<?>> fields = new HashMap<>();
        for (String flag :
                List.of(
                        "tombstone",
                        "unhealthy",
                        "announced",
                        "erased",
                        "offered",
                        "awaitingFounder")) {
            fields.put(flag, Types.BOOLEAN);
        }
        for (String text : List.of("forward", "lockedOn", "blamed")) {
            fields.put(text, Types.STRING);
        }
        for (String list : List.of("members", "absorbed", "fallbacks")) {
            fields.put(list, Types.LIST(Types.STRING));
        }
        for (String records : List.of("buffer", "held", "early", "planned")) {
            fields.put(records, Types.LIST(Types.PRIMITIVE_ARRAY(Types.BYTE)));
        }
        fields.put("state", TypeInformation.of(ProfileState.class));
        fields.put("reserved", Types.MAP(Types.STRING, TypeInformation.of(Reservation.class)));
        fields.put("carried", Types.PRIMITIVE_ARRAY(Types.BYTE));
        fields.put("erasedBy", TypeInformation.of(CustomerEvent.class));
        fields.put("erasedAt", Types.LONG);
        fields.put("erasedHeld", TypeInformation.of(Reservation.class));
        fields.put("linkedAt", Types.LONG);
        return Types.<ClusterRecord>POJO(ClusterRecord.class, fields)
                .createSerializer(new SerializerConfigImpl());
    }
}
