package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A Gather's state in its compact form: every field reads back as written, a done marker takes a
 * few bytes, and the POJO form of the releases before restores through Flink's state migration.
 */
class GatherStateSerializerTest {
    private static final GatherStateSerializer COMPACT = GatherStateSerializer.INSTANCE;

    /** How the releases before kept it: Flink's POJO serializer of the type, Kryo inside. */
    private static final TypeSerializer<GatherState<CustomerEvent>> POJO =
            TypeInformation.of(new TypeHint<GatherState<CustomerEvent>>() {})
                    .createSerializer(new SerializerConfigImpl());

    @Test
    void everyFieldReadsBackAsWritten() throws IOException {
        List<GatherState<CustomerEvent>> states =
                List.of(full(), pending(), done(), new GatherState<>());
        for (GatherState<CustomerEvent> state : states) {
            byte[] written = compact(state);
            GatherState<CustomerEvent> read =
                    COMPACT.deserialize(new DataInputDeserializer(written));
            assertEquals(described(state), described(read));
            assertArrayEquals(written, compact(read));
            assertEquals(described(state), described(COMPACT.copy(state)));
        }
    }

    @Test
    void aDoneMarkerTakesSevenBytes() throws IOException {
        assertEquals(7, compact(done()).length, "format, flags (2), time, three empty collections");
        DataOutputSerializer pojo = new DataOutputSerializer(64);
        POJO.serialize(done(), pojo);
        assertTrue(pojo.length() > 4 * 7, "the POJO form: " + pojo.length() + " bytes");
    }

    @Test
    void aSavepointOfThePojoFormRestoresThroughMigration() throws IOException {
        assertInstanceOf(PojoSerializer.class, POJO);
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(POJO.snapshotConfiguration())
                        .isCompatibleAfterMigration());
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(COMPACT.snapshotConfiguration())
                        .isCompatibleAsIs());
        // what the migration does: the restored POJO serializer reads, the compact one writes
        for (GatherState<CustomerEvent> state : List.of(full(), done())) {
            DataOutputSerializer old = new DataOutputSerializer(1024);
            POJO.snapshotConfiguration().restoreSerializer().serialize(state, old);
            GatherState<CustomerEvent> restored =
                    POJO.deserialize(new DataInputDeserializer(old.getCopyOfBuffer()));
            GatherState<CustomerEvent> migrated =
                    COMPACT.deserialize(new DataInputDeserializer(compact(restored)));
            assertEquals(described(state), described(migrated));
        }
    }

    @Test
    void aTruncatedOrUnknownFormIsAnErrorNotAGuess() throws IOException {
        byte[] written = compact(full());
        byte[] truncated = java.util.Arrays.copyOf(written, written.length - 4);
        assertThrows(
                IOException.class, () -> COMPACT.deserialize(new DataInputDeserializer(truncated)));
        byte[] later = written.clone();
        later[0] = 2;
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> COMPACT.deserialize(new DataInputDeserializer(later)));
        assertTrue(e.getMessage().contains("form 2"), e.getMessage());
    }

    private static GatherState<CustomerEvent> full() {
        GatherState<CustomerEvent> s = pending();
        s.quarantined = new TreeSet<>(Set.of("t\u001Fphone:+15550100"));
        s.joining = new TreeMap<>(Map.of("t\u001Femail:a@b.io", "t\u001Fuser_id:u1"));
        s.unsent = new TreeMap<>(Map.of("t\u001Fdevice_id:d1", 7L));
        s.unsentKeys = new TreeMap<>(Map.of("t\u001Fdevice_id:d1", "a1"));
        s.provisional = new TreeSet<>(Set.of("t\u001Fuser_id:u1"));
        s.placing = new TreeMap<>(Map.of("t\u001Fuser_id:u1", "t\u001Fanonymous_id:a0"));
        return s;
    }

    private static GatherState<CustomerEvent> pending() {
        GatherState<CustomerEvent> s = new GatherState<>();
        s.identifiers =
                new ArrayList<>(List.of("t\u001Fuser_id:u1", "t\u001Fanonymous_id:a1", "x"));
        s.anchor = "t\u001Fanonymous_id:a1";
        s.time = 1_764_900_000_123L;
        CustomerEvent event =
                new CustomerEvent(
                        "m-1",
                        "identify",
                        null,
                        s.time,
                        List.of(
                                new Identifier("user_id", "u1"),
                                new Identifier("anonymous_id", "a1")),
                        null,
                        "{\"type\":\"identify\",\"userId\":\"u1\"}",
                        "t");
        event.orderKey = "a1";
        event.orderPosition = 4;
        s.payload = event;
        s.replies.put("t\u001Fanonymous_id:a1", new ClusterId(1_000, "t\u001Fanonymous_id:a1"));
        s.founded = new TreeSet<>(Set.of("t\u001Fanonymous_id:a1"));
        return s;
    }

    private static GatherState<CustomerEvent> done() {
        GatherState<CustomerEvent> s = new GatherState<>();
        s.done = true;
        return s;
    }

    /** Every field, the event's included. */
    private static String described(GatherState<CustomerEvent> s) {
        CustomerEvent e = s.payload;
        String event =
                e == null
                        ? "null"
                        : List.of(
                                        String.valueOf(e.messageId()),
                                        String.valueOf(e.type()),
                                        String.valueOf(e.event()),
                                        e.eventTime(),
                                        String.valueOf(e.identifiers()),
                                        String.valueOf(e.message()),
                                        String.valueOf(e.tenant()),
                                        String.valueOf(e.orderKey),
                                        e.orderPosition)
                                .toString();
        return String.join(
                " | ",
                String.valueOf(s.done),
                String.valueOf(s.identifiers),
                String.valueOf(s.anchor),
                String.valueOf(s.time),
                event,
                String.valueOf(s.replies),
                String.valueOf(s.quarantined),
                String.valueOf(s.founded),
                String.valueOf(s.joining),
                String.valueOf(s.unsent),
                String.valueOf(s.unsentKeys),
                String.valueOf(s.provisional),
                String.valueOf(s.placing));
    }

    private static byte[] compact(GatherState<CustomerEvent> s) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        COMPACT.serialize(s, out);
        return out.getCopyOfBuffer();
    }
}
