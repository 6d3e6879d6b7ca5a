package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/** A cluster's record: what a step leaves untouched is written back as the bytes it was read. */
class ClusterRecordTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);

    private final ClusterId self = new ClusterId(1_000, "device_id:d1");
    private final ClusterId loser = new ClusterId(2_000, "anonymous_id:a1");

    @Test
    void messagesAStepDoesNotTouchAreWrittenAsTheBytesTheyWereReadFrom() throws Exception {
        ClusterRecord stored = stored(ClusterRecord.of(self, waiting(), CODEC, null));

        ClusterRecord.Read read = stored.read(CODEC);
        ClusterState<CustomerEvent, ProfileState> s = read.state();
        assertEquals(2, s.planned.size(), "the size is known without reading the messages");
        assertEquals(1, s.held.size());
        ClusterRecord written = ClusterRecord.of(self, s, CODEC, read);

        for (int i = 0; i < stored.planned.size(); i++) {
            assertSame(stored.planned.get(i), written.planned.get(i), "planned " + i);
        }
        assertSame(stored.held.get(0), written.held.get(0));
        assertSame(stored.buffer.get(0), written.buffer.get(0));
        assertSame(stored.early.get(0), written.early.get(0));
    }

    @Test
    void aListTheStepChangedIsWrittenAsItIsNowKeepingTheBytesOfWhatStayed() throws Exception {
        ClusterRecord stored = stored(ClusterRecord.of(self, waiting(), CODEC, null));

        ClusterRecord.Read read = stored.read(CODEC);
        ClusterState<CustomerEvent, ProfileState> s = read.state();
        Message<CustomerEvent, ProfileState> plan = s.planned.get(0);
        s.planned.removeIf(message -> message instanceof Message.Skip<?, ?>);
        Message.Skip<CustomerEvent, ProfileState> skip = new Message.Skip<>("evt-2", loser);
        s.planned.add(skip);
        // a message read from one list and kept in another keeps its bytes too
        s.early = new ArrayList<>(List.of(s.buffer.get(0)));
        s.buffer = new ArrayList<>();
        ClusterRecord written = ClusterRecord.of(self, s, CODEC, read);

        assertEquals(2, written.planned.size());
        assertSame(stored.planned.get(0), written.planned.get(0), "the plan, unchanged");
        assertArrayEquals(CODEC.encode(Address.cluster(self), skip), written.planned.get(1));
        assertSame(stored.buffer.get(0), written.early.get(0));
        assertEquals(0, written.buffer.size());

        ClusterState<CustomerEvent, ProfileState> again = stored(written).state(CODEC);
        assertEquals(List.of(plan, skip), new ArrayList<>(again.planned));
        assertEquals(List.of(s.early.get(0)), new ArrayList<>(again.early));
        assertEquals(new ArrayList<>(s.held), new ArrayList<>(again.held));
    }

    @Test
    void aNewClusterIsWrittenWhole() {
        ClusterState<CustomerEvent, ProfileState> s = waiting();
        ClusterRecord written = ClusterRecord.of(self, s, CODEC, null);

        ClusterState<CustomerEvent, ProfileState> again = written.state(CODEC);
        assertEquals(s.planned, new ArrayList<>(again.planned));
        assertEquals(s.buffer, new ArrayList<>(again.buffer));
        assertEquals(s.held, new ArrayList<>(again.held));
        assertEquals(s.early, new ArrayList<>(again.early));
        assertNotSame(s.planned, again.planned);
    }

    /** A cluster with a plan waiting for an answer, a held event and buffered messages. */
    private ClusterState<CustomerEvent, ProfileState> waiting() {
        ClusterState<CustomerEvent, ProfileState> s = new ClusterState<>();
        s.members.add(self.founder());
        s.state = ProfileState.found("p1", 1_000, new Identifier("device_id", "d1"));
        s.planned.add(
                new Message.Plan<>(
                        "evt-1",
                        List.of(
                                new Message.PlanStep(self.founder(), self, true),
                                new Message.PlanStep(loser.founder(), loser, true)),
                        3_000));
        s.planned.add(new Message.Skip<>("evt-0", loser));
        s.held.add(new Message.Contribute<>("evt-3", event("evt-3", 4_000)));
        s.buffer.add(new Message.Contribute<>("evt-4", event("evt-4", 5_000)));
        s.early.add(new Message.Init<>("email:e@x.io", null, 0));
        return s;
    }

    private static CustomerEvent event(String id, long time) {
        return new CustomerEvent(
                id,
                "track",
                "Product Viewed",
                time,
                List.of(new Identifier("device_id", "d1")),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }

    /** The record as Flink's state hands it back: through its serializer. */
    private static ClusterRecord stored(ClusterRecord record) throws Exception {
        TypeSerializer<ClusterRecord> serializer =
                TypeInformation.of(ClusterRecord.class)
                        .createSerializer(new SerializerConfigImpl());
        DataOutputSerializer out = new DataOutputSerializer(1024);
        serializer.serialize(record, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
