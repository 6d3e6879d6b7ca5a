package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.state.Varints;
import java.io.IOException;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.DeweyNumber;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.sharedbuffer.EventId;
import org.apache.flink.cep.nfa.sharedbuffer.Lockable;
import org.apache.flink.cep.nfa.sharedbuffer.NodeId;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferEdge;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferNode;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * The compact form of a profile's CEP state ({@link CepProfileState}'s five parts), part of the
 * savepoint format. Flink CEP's own serializers write every time as eight bytes, every count and
 * event number as four, and the name of a pattern's state (a {@link NodeId}'s page, a partial
 * match's current state) as its text wherever it appears: a partial match and the shared buffer's
 * node and event it holds took about 170 bytes beside its event. Here:
 *
 * <ul>
 *   <li>a time is a zig-zag varint of its difference to the time written before it in the value
 *       (the first to 0): the times of one profile's partial matches lie within their window;
 *   <li>a count, an event's number within its timestamp, a lock's count and a Dewey number's digits
 *       are varints;
 *   <li>a name (a pattern state's, an event's type and name) is written once per value: a varint of
 *       0 and the text the first time, its place among the names written before plus one after;
 *   <li>an event has what {@link SequenceEventSerializer} keeps (CEP's maps are given that one): a
 *       byte of which fields it has, its time, its id, type and name, and its projected message.
 * </ul>
 *
 * The parts: the NFA state (its partial matches, then its completed ones, each its current state,
 * the shared buffer node it points to or none, its version, its start and previous times and its
 * first event or none); the events count (time, count); the events waiting for the watermark (time,
 * the events); the shared buffer's events (event id, lock count, event) and nodes (node id, lock
 * count, the edges: lock count, target node or none, version). A Flink CEP release that changes
 * these types needs a new form; the value's first byte tells the forms apart ({@link
 * CepProfileStateSerializer}).
 *
 * <p>Some of CEP's accessors are package-private in Flink (a lock's count, an edge's target and
 * version, a node built from its edges, a Dewey number's digits); they are read through method
 * handles looked up once.
 */
final class CepStateForm {
    private static final MethodHandle REF_COUNTER;
    private static final MethodHandle EDGE_TARGET;
    private static final MethodHandle EDGE_VERSION;
    private static final MethodHandle NODE_OF_EDGES;
    private static final MethodHandle DEWEY_DIGITS;
    private static final MethodHandle DEWEY_OF_DIGITS;

    static {
        try {
            MethodHandles.Lookup lockable =
                    MethodHandles.privateLookupIn(Lockable.class, MethodHandles.lookup());
            REF_COUNTER =
                    lockable.findVirtual(
                            Lockable.class, "getRefCounter", MethodType.methodType(int.class));
            MethodHandles.Lookup edge =
                    MethodHandles.privateLookupIn(SharedBufferEdge.class, MethodHandles.lookup());
            EDGE_TARGET =
                    edge.findVirtual(
                            SharedBufferEdge.class,
                            "getTarget",
                            MethodType.methodType(NodeId.class));
            EDGE_VERSION =
                    edge.findVirtual(
                            SharedBufferEdge.class,
                            "getDeweyNumber",
                            MethodType.methodType(DeweyNumber.class));
            MethodHandles.Lookup node =
                    MethodHandles.privateLookupIn(SharedBufferNode.class, MethodHandles.lookup());
            NODE_OF_EDGES =
                    node.findConstructor(
                            SharedBufferNode.class, MethodType.methodType(void.class, List.class));
            MethodHandles.Lookup dewey =
                    MethodHandles.privateLookupIn(DeweyNumber.class, MethodHandles.lookup());
            DEWEY_DIGITS = dewey.findGetter(DeweyNumber.class, "deweyNumber", int[].class);
            DEWEY_OF_DIGITS =
                    dewey.findConstructor(
                            DeweyNumber.class, MethodType.methodType(void.class, int[].class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(
                    new IllegalStateException(
                            "Flink CEP's shared buffer types are not those this form was written"
                                    + " for",
                            e));
        }
    }

    private CepStateForm() {}

    /** Writes the parts present ({@code parts[i] != null}); the caller wrote which they are. */
    static void write(Object[] parts, DataOutputView out) throws IOException {
        new Writer(out).parts(parts);
    }

    /** Reads the parts {@code present} names (bit {@code i} for part {@code i}). */
    static Object[] read(int present, DataInputView in) throws IOException {
        return new Reader(in).parts(present);
    }

    /** One value's writing: the names written so far and the last time written. */
    private static final class Writer {
        private final DataOutputView out;
        private final Map<String, Integer> names = new HashMap<>();
        private long lastTime;

        Writer(DataOutputView out) {
            this.out = out;
        }

        @SuppressWarnings("unchecked")
        void parts(Object[] parts) throws IOException {
            if (parts[CepProfileState.NFA] != null) {
                NFAState nfa = (NFAState) parts[CepProfileState.NFA];
                states(nfa.getPartialMatches());
                states(nfa.getCompletedMatches());
            }
            if (parts[CepProfileState.EVENTS_COUNT] != null) {
                Map<Long, Integer> counts =
                        (Map<Long, Integer>) parts[CepProfileState.EVENTS_COUNT];
                count(counts.size());
                for (Map.Entry<Long, Integer> entry : counts.entrySet()) {
                    time(entry.getKey());
                    count(entry.getValue());
                }
            }
            if (parts[CepProfileState.EVENT_QUEUE] != null) {
                Map<Long, List<ResolvedEvent>> queue =
                        (Map<Long, List<ResolvedEvent>>) parts[CepProfileState.EVENT_QUEUE];
                count(queue.size());
                for (Map.Entry<Long, List<ResolvedEvent>> entry : queue.entrySet()) {
                    time(entry.getKey());
                    count(entry.getValue().size());
                    for (ResolvedEvent event : entry.getValue()) {
                        event(event);
                    }
                }
            }
            if (parts[CepProfileState.SHARED_EVENTS] != null) {
                Map<EventId, Lockable<ResolvedEvent>> events =
                        (Map<EventId, Lockable<ResolvedEvent>>)
                                parts[CepProfileState.SHARED_EVENTS];
                count(events.size());
                for (Map.Entry<EventId, Lockable<ResolvedEvent>> entry : events.entrySet()) {
                    eventId(entry.getKey());
                    count(refCounter(entry.getValue()));
                    SequenceEventSerializer.INSTANCE.serialize(entry.getValue().getElement(), out);
                }
            }
            if (parts[CepProfileState.SHARED_NODES] != null) {
                Map<NodeId, Lockable<SharedBufferNode>> nodes =
                        (Map<NodeId, Lockable<SharedBufferNode>>)
                                parts[CepProfileState.SHARED_NODES];
                count(nodes.size());
                for (Map.Entry<NodeId, Lockable<SharedBufferNode>> entry : nodes.entrySet()) {
                    nodeId(entry.getKey());
                    count(refCounter(entry.getValue()));
                    List<Lockable<SharedBufferEdge>> edges =
                            entry.getValue().getElement().getEdges();
                    count(edges.size());
                    for (Lockable<SharedBufferEdge> edge : edges) {
                        count(refCounter(edge));
                        optionalNodeId(edgeTarget(edge.getElement()));
                        dewey(edgeVersion(edge.getElement()));
                    }
                }
            }
        }

        private void states(Collection<ComputationState> states) throws IOException {
            count(states.size());
            for (ComputationState state : states) {
                name(state.getCurrentStateName());
                optionalNodeId(state.getPreviousBufferEntry());
                dewey(state.getVersion());
                time(state.getStartTimestamp());
                time(state.getPreviousTimestamp());
                out.writeBoolean(state.getStartEventID() != null);
                if (state.getStartEventID() != null) {
                    eventId(state.getStartEventID());
                }
            }
        }

        /** An event, as {@link SequenceEventSerializer} keeps it, its type and name as names. */
        private void event(ResolvedEvent event) throws IOException {
            CustomerEvent e = event.event();
            out.writeByte(SequenceEventSerializer.flagsOf(e));
            time(e.eventTime());
            if (e.messageId() != null) {
                StringValue.writeString(e.messageId(), out);
            }
            if (e.type() != null) {
                name(e.type());
            }
            if (e.event() != null) {
                name(e.event());
            }
            if (e.message() != null) {
                StringValue.writeString(e.message(), out);
            }
        }

        private void optionalNodeId(NodeId id) throws IOException {
            out.writeBoolean(id != null);
            if (id != null) {
                nodeId(id);
            }
        }

        private void nodeId(NodeId id) throws IOException {
            eventId(id.getEventId());
            name(id.getPageName());
        }

        private void eventId(EventId id) throws IOException {
            count(id.getId());
            time(id.getTimestamp());
        }

        private void dewey(DeweyNumber version) throws IOException {
            int[] digits = deweyDigits(version);
            count(digits.length);
            for (int digit : digits) {
                count(digit);
            }
        }

        private void name(String name) throws IOException {
            Integer known = names.get(name);
            if (known != null) {
                Varints.writeLong(known + 1L, out);
                return;
            }
            Varints.writeLong(0, out);
            StringValue.writeString(name, out);
            names.put(name, names.size());
        }

        private void time(long time) throws IOException {
            Varints.writeLong(time - lastTime, out);
            lastTime = time;
        }

        private void count(int count) throws IOException {
            if (count < 0) {
                throw new IllegalStateException("CEP's state holds a negative count " + count);
            }
            Varints.writeLong(count, out);
        }
    }

    /** One value's reading: the names read so far and the last time read. */
    private static final class Reader {
        private final DataInputView in;
        private final List<String> names = new ArrayList<>();
        private long lastTime;

        Reader(DataInputView in) {
            this.in = in;
        }

        Object[] parts(int present) throws IOException {
            Object[] parts = new Object[CepProfileState.PARTS];
            if (has(present, CepProfileState.NFA)) {
                PriorityQueue<ComputationState> partial = states();
                PriorityQueue<ComputationState> completed = states();
                parts[CepProfileState.NFA] = new NFAState(partial, completed);
            }
            if (has(present, CepProfileState.EVENTS_COUNT)) {
                int size = count();
                Map<Long, Integer> counts = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    counts.put(time(), count());
                }
                parts[CepProfileState.EVENTS_COUNT] = counts;
            }
            if (has(present, CepProfileState.EVENT_QUEUE)) {
                int size = count();
                Map<Long, List<ResolvedEvent>> queue = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    long time = time();
                    int events = count();
                    List<ResolvedEvent> list = new ArrayList<>(events);
                    for (int j = 0; j < events; j++) {
                        list.add(event());
                    }
                    queue.put(time, list);
                }
                parts[CepProfileState.EVENT_QUEUE] = queue;
            }
            if (has(present, CepProfileState.SHARED_EVENTS)) {
                int size = count();
                Map<EventId, Lockable<ResolvedEvent>> events = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    EventId id = eventId();
                    int locks = count();
                    events.put(
                            id,
                            new Lockable<>(
                                    SequenceEventSerializer.INSTANCE.deserialize(in), locks));
                }
                parts[CepProfileState.SHARED_EVENTS] = events;
            }
            if (has(present, CepProfileState.SHARED_NODES)) {
                int size = count();
                Map<NodeId, Lockable<SharedBufferNode>> nodes = new HashMap<>();
                for (int i = 0; i < size; i++) {
                    NodeId id = nodeId();
                    int locks = count();
                    int edgeCount = count();
                    List<Lockable<SharedBufferEdge>> edges = new ArrayList<>(edgeCount);
                    for (int j = 0; j < edgeCount; j++) {
                        int edgeLocks = count();
                        NodeId target = optionalNodeId();
                        edges.add(new Lockable<>(new SharedBufferEdge(target, dewey()), edgeLocks));
                    }
                    nodes.put(id, new Lockable<>(nodeOf(edges), locks));
                }
                parts[CepProfileState.SHARED_NODES] = nodes;
            }
            return parts;
        }

        private static boolean has(int present, int part) {
            return (present & 1 << part) != 0;
        }

        private PriorityQueue<ComputationState> states() throws IOException {
            int size = count();
            PriorityQueue<ComputationState> states =
                    new PriorityQueue<>(NFAState.COMPUTATION_STATE_COMPARATOR);
            for (int i = 0; i < size; i++) {
                String name = name();
                NodeId previous = optionalNodeId();
                DeweyNumber version = dewey();
                long start = time();
                long previousTime = time();
                EventId startEvent = in.readBoolean() ? eventId() : null;
                states.add(
                        ComputationState.createState(
                                name, previous, version, start, previousTime, startEvent));
            }
            return states;
        }

        private ResolvedEvent event() throws IOException {
            int flags = in.readUnsignedByte();
            if ((flags & ~SequenceEventSerializer.ALL) != 0) {
                throw new IOException("CEP's state holds an event with flags " + flags);
            }
            long time = time();
            String id =
                    (flags & SequenceEventSerializer.ID) != 0 ? StringValue.readString(in) : null;
            String type = (flags & SequenceEventSerializer.TYPE) != 0 ? name() : null;
            String name = (flags & SequenceEventSerializer.NAME) != 0 ? name() : null;
            String message =
                    (flags & SequenceEventSerializer.MESSAGE) != 0
                            ? StringValue.readString(in)
                            : null;
            return new ResolvedEvent(
                    null, new CustomerEvent(id, type, name, time, List.of(), null, message, null));
        }

        private NodeId optionalNodeId() throws IOException {
            return in.readBoolean() ? nodeId() : null;
        }

        private NodeId nodeId() throws IOException {
            EventId id = eventId();
            return new NodeId(id, name());
        }

        private EventId eventId() throws IOException {
            int id = count();
            return new EventId(id, time());
        }

        private DeweyNumber dewey() throws IOException {
            int[] digits = new int[count()];
            for (int i = 0; i < digits.length; i++) {
                digits[i] = count();
            }
            return deweyOf(digits);
        }

        private String name() throws IOException {
            long ref = Varints.readLong(in);
            if (ref == 0) {
                String name = StringValue.readString(in);
                names.add(name);
                return name;
            }
            if (ref < 0 || ref > names.size()) {
                throw new IOException(
                        "CEP's state names state " + ref + " of " + names.size() + " named");
            }
            return names.get((int) ref - 1);
        }

        private long time() throws IOException {
            lastTime += Varints.readLong(in);
            return lastTime;
        }

        private int count() throws IOException {
            long count = Varints.readLong(in);
            if (count < 0 || count > Integer.MAX_VALUE) {
                throw new IOException("CEP's state holds a count of " + count);
            }
            return (int) count;
        }
    }

    private static int refCounter(Lockable<?> lockable) {
        try {
            return (int) REF_COUNTER.invokeExact(lockable);
        } catch (Throwable e) {
            throw new IllegalStateException("a lock's count cannot be read", e);
        }
    }

    private static NodeId edgeTarget(SharedBufferEdge edge) {
        try {
            return (NodeId) EDGE_TARGET.invokeExact(edge);
        } catch (Throwable e) {
            throw new IllegalStateException("an edge's target cannot be read", e);
        }
    }

    private static DeweyNumber edgeVersion(SharedBufferEdge edge) {
        try {
            return (DeweyNumber) EDGE_VERSION.invokeExact(edge);
        } catch (Throwable e) {
            throw new IllegalStateException("an edge's version cannot be read", e);
        }
    }

    private static SharedBufferNode nodeOf(List<Lockable<SharedBufferEdge>> edges) {
        try {
            return (SharedBufferNode) NODE_OF_EDGES.invokeExact(edges);
        } catch (Throwable e) {
            throw new IllegalStateException("a shared buffer node cannot be made", e);
        }
    }

    private static int[] deweyDigits(DeweyNumber version) {
        try {
            return (int[]) DEWEY_DIGITS.invokeExact(version);
        } catch (Throwable e) {
            throw new IllegalStateException("a Dewey number cannot be read", e);
        }
    }

    private static DeweyNumber deweyOf(int[] digits) {
        try {
            return (DeweyNumber) DEWEY_OF_DIGITS.invokeExact(digits);
        } catch (Throwable e) {
            throw new IllegalStateException("a Dewey number cannot be made", e);
        }
    }
}
