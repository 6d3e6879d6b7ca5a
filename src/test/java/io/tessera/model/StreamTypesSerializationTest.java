package io.tessera.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.tessera.activation.ActivationState;
import io.tessera.activation.ActivationTarget;
import io.tessera.activation.EdgeOutcome;
import io.tessera.activation.EdgeRequest;
import io.tessera.identity.ProfileMerged;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.RejectedLink;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.TraitValue;
import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.SourcedEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every type on the wire between operators or in state serializes as a POJO, never with Kryo. */
class StreamTypesSerializationTest {
    private static final CustomerEvent EVENT =
            new CustomerEvent(
                    "m1",
                    "track",
                    "Order Completed",
                    1_735_725_600_000L,
                    List.of(new Identifier("user_id", "u1"), new Identifier("email", "a@shop.io")),
                    null,
                    "{\"type\":\"track\"}",
                    CustomerEvent.DEFAULT_TENANT);
    private static final DeadLetter DEAD_LETTER =
            new DeadLetter(
                    "bad_type",
                    "unknown type 'fly'",
                    "{\"type\":\"fly\"}",
                    "utf-8",
                    "k".getBytes(StandardCharsets.UTF_8),
                    "cdp.events",
                    1,
                    42L,
                    7L);

    @ParameterizedTest
    @ValueSource(
            classes = {
                CustomerEvent.class,
                Identifier.class,
                DeadLetter.class,
                IngestRecord.class,
                SourcedEvent.class,
                TraitValue.class,
                ResolvedEvent.class,
                ProfileUpdate.class,
                ProfileMerged.class,
                RejectedLink.class,
                ActivationState.class,
                ActivationTarget.class,
                EdgeRequest.class,
                EdgeOutcome.class
            })
    void isAPojoTypeThatNeedsNoKryo(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertInstanceOf(PojoTypeInfo.class, info);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        info.createSerializer(config);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1})
    void roundTripsWithGenericTypesDisabled(int which) throws Exception {
        IngestRecord record =
                which == 0 ? IngestRecord.accepted(EVENT) : IngestRecord.refused(DEAD_LETTER);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<IngestRecord> serializer =
                TypeInformation.of(IngestRecord.class).createSerializer(config);

        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(record, out);
        IngestRecord copy =
                serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));

        if (which == 0) {
            assertEquals(EVENT, copy.event());
        } else {
            assertEquals(DEAD_LETTER.detail(), copy.deadLetter().detail());
            assertEquals("k", new String(copy.deadLetter().key(), StandardCharsets.UTF_8));
        }
    }
}
