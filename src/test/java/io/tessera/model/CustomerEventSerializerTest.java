package io.tessera.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ResolvedEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * An accepted event in its compact form: every field reads back as written (nulls, identifiers, any
 * text), a copy shares nothing mutable, Flink picks the form wherever it carries an event, and
 * bytes that do not hold the form are refused with what is wrong.
 */
class CustomerEventSerializerTest {
    private static final CustomerEventSerializer COMPACT = CustomerEventSerializer.INSTANCE;

    @Property(tries = 300)
    void everyFieldReadsBackAsWritten(@ForAll("events") CustomerEvent event) throws IOException {
        byte[] written = compact(event);
        CustomerEvent read = COMPACT.deserialize(new DataInputDeserializer(written));
        assertEquals(described(event), described(read));
        assertArrayEquals(written, compact(read));
    }

    @Property(tries = 100)
    void aCopySharesNothingMutable(@ForAll("events") CustomerEvent event) {
        CustomerEvent copy = COMPACT.copy(event);
        assertEquals(described(event), described(copy));
        if (event.identifiers != null) {
            assertNotSame(event.identifiers, copy.identifiers);
            for (int i = 0; i < event.identifiers.size(); i++) {
                assertNotSame(event.identifiers.get(i), copy.identifiers.get(i));
            }
            event.identifiers.clear();
            assertEquals(described(COMPACT.copy(copy)), described(copy));
        }
    }

    @Test
    void flinkCarriesEventsInTheCompactForm() {
        assertInstanceOf(
                CustomerEventSerializer.class,
                TypeInformation.of(CustomerEvent.class)
                        .createSerializer(new SerializerConfigImpl()));
        // a resolved event stays a POJO, its event in the compact form
        TypeInformation<ResolvedEvent> resolved = TypeInformation.of(ResolvedEvent.class);
        assertInstanceOf(PojoTypeInfo.class, resolved);
        TypeSerializer<ResolvedEvent> serializer =
                resolved.createSerializer(new SerializerConfigImpl());
        assertInstanceOf(PojoSerializer.class, serializer);
        ResolvedEvent event = new ResolvedEvent("pY82jghs4iZeQcQ", sample());
        assertEquals(event, serializer.copy(event));
    }

    @Test
    void theMessageIsWrittenAsUtf8Bytes() throws IOException {
        CustomerEvent event = sample();
        int message = event.message.getBytes(StandardCharsets.UTF_8).length;
        assertTrue(
                compact(event).length < message + 120,
                "the form adds little to the message: " + compact(event).length);
    }

    @Test
    void bytesOfAnotherFormOrCutShortAreRefused() throws IOException {
        byte[] written = compact(sample());
        written[0] = 9;
        IOException other =
                assertThrows(
                        IOException.class,
                        () -> COMPACT.deserialize(new DataInputDeserializer(written)));
        assertEquals("an event of form 9: this release reads 1", other.getMessage());
        byte[] whole = compact(sample());
        byte[] cut = Arrays.copyOf(whole, whole.length - 5);
        assertThrows(IOException.class, () -> COMPACT.deserialize(new DataInputDeserializer(cut)));
    }

    @Test
    void aStateOfThePojoFormMigrates() throws IOException {
        TypeSerializer<CustomerEvent> pojo = pojoSerializer();
        assertInstanceOf(PojoSerializer.class, pojo);
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(pojo.snapshotConfiguration())
                        .isCompatibleAfterMigration());
        assertTrue(
                COMPACT.snapshotConfiguration()
                        .resolveSchemaCompatibility(COMPACT.snapshotConfiguration())
                        .isCompatibleAsIs());
        // what the migration does: the restored POJO serializer reads, the compact one writes
        DataOutputSerializer old = new DataOutputSerializer(256);
        pojo.serialize(sample(), old);
        CustomerEvent restored =
                pojo.snapshotConfiguration()
                        .restoreSerializer()
                        .deserialize(new DataInputDeserializer(old.getCopyOfBuffer()));
        CustomerEvent migrated = COMPACT.deserialize(new DataInputDeserializer(compact(restored)));
        assertEquals(described(sample()), described(migrated));
    }

    /** Flink's POJO serializer of the type, as the releases before carried and kept events. */
    private static TypeSerializer<CustomerEvent> pojoSerializer() {
        return PojoForms.customerEvent().createSerializer(new SerializerConfigImpl());
    }

    private static byte[] compact(CustomerEvent event) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        COMPACT.serialize(event, out);
        return out.getCopyOfBuffer();
    }

    /** Every field, the delivery details that {@link CustomerEvent#equals} leaves out too. */
    private static String described(CustomerEvent e) {
        return e + " order " + e.orderKey + "/" + e.orderPosition + " time " + e.eventTime;
    }

    private static CustomerEvent sample() {
        CustomerEvent event =
                new CustomerEvent(
                        "m-1",
                        "track",
                        "Product Viewed",
                        1_733_390_000_000L,
                        new ArrayList<>(
                                List.of(
                                        new Identifier("anonymous_id", "a-1"),
                                        new Identifier("email", "zoë@example.com"))),
                        null,
                        "{\"type\":\"track\",\"event\":\"Product"
                                + " Viewed\",\"properties\":{\"sku\":\"é\"}}",
                        "default");
        event.orderKey = "a-1";
        event.orderPosition = 42;
        return event;
    }

    @Provide
    Arbitrary<CustomerEvent> events() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(40).injectNull(0.2);
        Arbitrary<List<Identifier>> identifiers =
                Combinators.combine(text, text)
                        .as(Identifier::new)
                        .list()
                        .ofMaxSize(4)
                        .map(list -> (List<Identifier>) new ArrayList<>(list))
                        .injectNull(0.2);
        Arbitrary<Long> times = Arbitraries.longs();
        return Combinators.combine(
                        text,
                        text,
                        text,
                        times,
                        identifiers,
                        text,
                        Arbitraries.strings().ofMaxLength(400).injectNull(0.1),
                        text)
                .as(CustomerEvent::new)
                .flatMap(
                        event ->
                                Combinators.combine(text, times)
                                        .as(
                                                (key, position) -> {
                                                    event.orderKey = key;
                                                    event.orderPosition = position;
                                                    return event;
                                                }));
    }
}
