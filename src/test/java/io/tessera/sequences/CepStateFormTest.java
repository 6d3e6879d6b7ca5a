package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeMap;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.DeweyNumber;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.cep.nfa.sharedbuffer.NodeId;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferEdge;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNode;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNodeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A profile's CEP state reads back from its compact form as CEP wrote it (every part, as Flink's
 * own serializers see it), in under three fifths of the bytes of CEP's form, and the value written
 * before, in CEP's form, is still read.
 */
class CepStateFormTest {
    private static final long T = 1_743_494_641_134L;

    /** CEP's own serializers of the five parts, as the operator is given them. */
    private static final CepProfileStateSerializer SERIALIZER =
            new CepProfileStateSerializer(
                    new NFAStateSerializer(),
                    new MapSerializer<>(LongSerializer.INSTANCE, IntSerializer.INSTANCE),
                    new MapSerializer<>(
                            LongSerializer.INSTANCE,
                            new ListSerializer<>(SequenceEventSerializer.INSTANCE)),
                    new MapSerializer<>(
                            EventId.EventIdSerializer.INSTANCE,
                            new Lockable.LockableTypeSerializer<>(
                                    SequenceEventSerializer.INSTANCE)),
                    new MapSerializer<>(
                            new NodeId.NodeIdSerializer(),
                            new Lockable.LockableTypeSerializer<>(
                                    new SharedBufferNodeSerializer())));

    @Test
    void everyPartReadsBackAsCepWroteIt() throws IOException {
        Object[] parts = profileWithOpenMatches();

        Object[] read = SERIALIZER.deserialize(input(written(parts)));

        assertEquals(described(parts), described(read));
    }

    @Test
    void partsLeftOutStayOut() throws IOException {
        Object[] parts = profileWithOpenMatches();
        parts[CepProfileState.EVENT_QUEUE] = null;
        parts[CepProfileState.EVENTS_COUNT] = null;

        Object[] read = SERIALIZER.deserialize(input(written(parts)));

        assertEquals(described(parts), described(read));
        assertEquals(null, read[CepProfileState.EVENT_QUEUE]);
    }

    @Test
    void itTakesLessThanThreeFifthsOfCepsFormAndCepsFormIsStillRead() throws IOException {
        Object[] parts = profileWithOpenMatches();
        byte[] cepsForm = cepsForm(parts);

        int compact = written(parts).length;

        assertTrue(
                compact * 5 < cepsForm.length * 3,
                "compact " + compact + " B against CEP's form " + cepsForm.length + " B");
        assertEquals(described(parts), described(SERIALIZER.deserialize(input(cepsForm))));
    }

    @Test
    void aValueCutShortIsRefused() throws IOException {
        byte[] bytes = written(profileWithOpenMatches());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);

        assertThrows(IOException.class, () -> SERIALIZER.deserialize(input(cut)));
    }

    /**
     * A profile whose product views opened partial matches: a view held in the shared buffer with
     * the node that points to the one before it, a partial match at each, a completed one, events
     * waiting for the watermark and their count.
     */
    private static Object[] profileWithOpenMatches() {
        EventId first = new EventId(0, T);
        EventId second = new EventId(1, T + 60_000);
        EventId third = new EventId(0, T + 3_600_000);
        NodeId firstNode = new NodeId(first, "view");
        NodeId secondNode = new NodeId(second, "again");
        DeweyNumber one = new DeweyNumber(1);
        DeweyNumber oneZero = one.addStage();
        PriorityQueue<ComputationState> partial =
                new PriorityQueue<>(NFAState.COMPUTATION_STATE_COMPARATOR);
        partial.add(ComputationState.createStartState("view", new DeweyNumber(3)));
        partial.add(ComputationState.createState("again", firstNode, one, T, T, first));
        partial.add(
                ComputationState.createState(
                        "again", secondNode, oneZero.increase(2), T + 60_000, -1L, second));
        PriorityQueue<ComputationState> completed =
                new PriorityQueue<>(NFAState.COMPUTATION_STATE_COMPARATOR);
        completed.add(
                ComputationState.createState(
                        "$endState$", secondNode, oneZero, T, T + 60_000, first));
        Map<Long, Integer> counts = new HashMap<>(Map.of(T + 3_600_000, 1, T, 2));
        Map<Long, List<ResolvedEvent>> queue =
                new HashMap<>(
                        Map.of(
                                T + 3_600_000,
                                List.of(view("water-bottle", T + 3_600_000)),
                                T + 3_600_001,
                                List.of(view("mug", T + 3_600_001), view("hat", T + 3_600_001))));
        Map<EventId, Lockable<ResolvedEvent>> events = new HashMap<>();
        events.put(first, new Lockable<>(view("water-bottle", T), 2));
        events.put(second, new Lockable<>(view("water-bottle", T + 60_000), 1));
        events.put(third, new Lockable<>(view("mug", T + 3_600_000), 0));
        Map<NodeId, Lockable<SharedBufferNode>> nodes = new HashMap<>();
        SharedBufferNode root = new SharedBufferNode();
        root.addEdge(new SharedBufferEdge(null, one));
        nodes.put(firstNode, new Lockable<>(root, 1));
        SharedBufferNode next = new SharedBufferNode();
        next.addEdge(new SharedBufferEdge(firstNode, oneZero));
        next.addEdge(new SharedBufferEdge(firstNode, oneZero.increase()));
        nodes.put(secondNode, new Lockable<>(next, 3));
        Object[] parts = new Object[CepProfileState.PARTS];
        parts[CepProfileState.NFA] = new NFAState(partial, completed);
        parts[CepProfileState.EVENTS_COUNT] = counts;
        parts[CepProfileState.EVENT_QUEUE] = queue;
        parts[CepProfileState.SHARED_EVENTS] = events;
        parts[CepProfileState.SHARED_NODES] = nodes;
        return parts;
    }

    private static ResolvedEvent view(String product, long at) {
        return new ResolvedEvent(
                null,
                new CustomerEvent(
                        null,
                        "track",
                        "Product Viewed",
                        at,
                        List.of(),
                        null,
                        "{\"properties\":{\"product_id\":\"" + product + "\"}}",
                        null));
    }

    /**
     * The parts as CEP's own serializers see them: each map's entries in key order, each value in
     * its serializer's bytes; the NFA state's partial and completed matches in order.
     */
    @SuppressWarnings("unchecked")
    private static List<String> described(Object[] parts) throws IOException {
        TypeSerializer<?>[] serializers = SERIALIZER.parts();
        List<String> described = new ArrayList<>();
        NFAState nfa = (NFAState) parts[CepProfileState.NFA];
        described.add(sorted(nfa.getPartialMatches()) + " / " + sorted(nfa.getCompletedMatches()));
        for (int part = 1; part < CepProfileState.PARTS; part++) {
            Map<Object, Object> map = (Map<Object, Object>) parts[part];
            if (map == null) {
                described.add("none");
                continue;
            }
            MapSerializer<Object, Object> serializer =
                    (MapSerializer<Object, Object>) serializers[part];
            Map<String, String> entries = new TreeMap<>();
            for (Map.Entry<Object, Object> entry : map.entrySet()) {
                DataOutputSerializer out = new DataOutputSerializer(64);
                serializer.getValueSerializer().serialize(entry.getValue(), out);
                entries.put(
                        entry.getKey().toString(), HexFormat.of().formatHex(out.getCopyOfBuffer()));
            }
            described.add(entries.toString());
        }
        return described;
    }

    private static List<String> sorted(Iterable<ComputationState> states) {
        List<String> all = new ArrayList<>();
        states.forEach(state -> all.add(state.toString()));
        all.sort(null);
        return all;
    }

    private static byte[] written(Object[] parts) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(256);
        SERIALIZER.serialize(parts, out);
        return out.getCopyOfBuffer();
    }

    /** The value as the release before wrote it: CEP's own form of each part. */
    @SuppressWarnings("unchecked")
    private static byte[] cepsForm(Object[] parts) throws IOException {
        TypeSerializer<Object>[] serializers = (TypeSerializer<Object>[]) SERIALIZER.parts();
        DataOutputSerializer out = new DataOutputSerializer(256);
        int present = 0;
        for (int i = 0; i < parts.length; i++) {
            present |= parts[i] != null ? 1 << i : 0;
        }
        out.writeByte(present);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i] != null) {
                serializers[i].serialize(parts[i], out);
            }
        }
        return out.getCopyOfBuffer();
    }

    private static DataInputDeserializer input(byte[] bytes) {
        return new DataInputDeserializer(bytes);
    }
}
