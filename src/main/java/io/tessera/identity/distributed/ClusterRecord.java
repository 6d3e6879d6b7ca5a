package io.tessera.identity.distributed;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A cluster as Flink keeps it in state: {@link ClusterState} in POJO form, cluster ids as their
 * text and buffered messages as loop records.
 *
 * <p>A step reads the buffered messages only when it touches them: the lists of {@link #state}
 * decode their records when first read, and {@link #of} writes a message the step did not change as
 * the bytes it was read from. (Most steps credit an event and leave a waiting plan or buffer as it
 * was; decoding and encoding them again took a fifth of the cluster task.)
 */
public class ClusterRecord {
    public boolean tombstone;
    public String forward;
    public List<String> members = new ArrayList<>();
    public ProfileState state;
    public List<String> absorbed = new ArrayList<>();
    public Map<String, Reservation> reserved = new TreeMap<>();
    public String lockedOn;
    public List<String> fallbacks = new ArrayList<>();
    public byte[] carried;
    public List<byte[]> buffer = new ArrayList<>();
    public List<byte[]> held = new ArrayList<>();
    public boolean unhealthy;
    public boolean announced;
    public boolean erased;
    public CustomerEvent erasedBy;
    public long erasedAt;
    public Reservation erasedHeld;
    public String blamed;
    public long linkedAt = Message.UNKNOWN_TIME;
    public boolean offered;
    public boolean awaitingFounder;
    public List<byte[]> early = new ArrayList<>();
    public List<byte[]> planned = new ArrayList<>();

    /** A POJO needs a public no-argument constructor. */
    public ClusterRecord() {}

    /** The record of a cluster's state. */
    public static ClusterRecord of(
            ClusterId self,
            ClusterState<CustomerEvent, ProfileState> s,
            LoopCodec<CustomerEvent, ProfileState> codec) {
        return of(self, s, codec, new IdentityHashMap<>());
    }

    /**
     * The record of a cluster's state read from a record ({@code read}, null for a new cluster):
     * the messages it holds as they were read are written as the same bytes.
     */
    public static ClusterRecord of(
            ClusterId self,
            ClusterState<CustomerEvent, ProfileState> s,
            LoopCodec<CustomerEvent, ProfileState> codec,
            Read read) {
        return of(self, s, codec, read == null ? new IdentityHashMap<>() : read.known);
    }

    private static ClusterRecord of(
            ClusterId self,
            ClusterState<CustomerEvent, ProfileState> s,
            LoopCodec<CustomerEvent, ProfileState> codec,
            Map<Object, byte[]> known) {
        ClusterRecord r = new ClusterRecord();
        Address here = Address.cluster(self);
        Function<Object, byte[]> encode =
                message -> {
                    byte[] record = known.get(message);
                    return record != null
                            ? record
                            : codec.encode(here, (Message<CustomerEvent, ProfileState>) message);
                };
        r.tombstone = s.tombstone;
        r.forward = s.forward == null ? null : s.forward.toString();
        r.members = new ArrayList<>(s.members);
        r.state = s.state;
        s.absorbed.forEach(id -> r.absorbed.add(id.toString()));
        s.reserved.forEach((id, reservation) -> r.reserved.put(id.toString(), reservation));
        r.lockedOn = s.lockedOn == null ? null : s.lockedOn.toString();
        s.fallbacks.forEach(id -> r.fallbacks.add(id.toString()));
        r.carried = s.carried == null ? null : encode.apply(s.carried);
        r.buffer = records(s.buffer, encode);
        r.held = records(s.held, encode);
        r.unhealthy = s.unhealthy;
        r.announced = s.announced;
        r.erased = s.erased;
        r.erasedBy = s.erasedBy;
        r.erasedAt = s.erasedAt;
        r.erasedHeld = s.erasedHeld;
        r.blamed = s.blamed;
        r.linkedAt = s.linkedAt;
        r.offered = s.offered;
        r.awaitingFounder = s.awaitingFounder;
        r.early = records(s.early, encode);
        r.planned = records(s.planned, encode);
        return r;
    }

    /** A list's records: those of a list never read as they were, else each message's. */
    private static List<byte[]> records(List<?> messages, Function<Object, byte[]> encode) {
        if (messages instanceof Encoded<?> encoded && encoded.decoded == null) {
            return encoded.records;
        }
        List<byte[]> records = new ArrayList<>(messages.size());
        for (Object message : messages) {
            records.add(encode.apply(message));
        }
        return records;
    }

    /** A cluster's state as read from its record, and the bytes of the messages read from it. */
    public static final class Read {
        private final Map<Object, byte[]> known = new IdentityHashMap<>();
        private final ClusterState<CustomerEvent, ProfileState> state;

        private Read(ClusterRecord record, LoopCodec<CustomerEvent, ProfileState> codec) {
            this.state = record.decode(codec, known);
        }

        public ClusterState<CustomerEvent, ProfileState> state() {
            return state;
        }
    }

    /**
     * Messages kept as their records until first read; each one read is remembered with its bytes.
     * Its size is known without reading them.
     */
    private static final class Encoded<T> extends AbstractList<T> implements RandomAccess {
        private final List<byte[]> records;
        private final Function<byte[], T> decode;
        private final Map<Object, byte[]> known;
        private List<T> decoded;

        Encoded(List<byte[]> records, Function<byte[], T> decode, Map<Object, byte[]> known) {
            this.records = records;
            this.decode = decode;
            this.known = known;
        }

        private List<T> decoded() {
            if (decoded == null) {
                List<T> messages = new ArrayList<>(records.size());
                for (byte[] record : records) {
                    T message = decode.apply(record);
                    known.put(message, record);
                    messages.add(message);
                }
                decoded = messages;
            }
            return decoded;
        }

        @Override
        public int size() {
            return decoded == null ? records.size() : decoded.size();
        }

        @Override
        public T get(int index) {
            return decoded().get(index);
        }

        @Override
        public T set(int index, T element) {
            return decoded().set(index, element);
        }

        @Override
        public void add(int index, T element) {
            decoded().add(index, element);
            modCount++;
        }

        @Override
        public T remove(int index) {
            T removed = decoded().remove(index);
            modCount++;
            return removed;
        }
    }

    /** The cluster's state again. */
    public ClusterState<CustomerEvent, ProfileState> state(
            LoopCodec<CustomerEvent, ProfileState> codec) {
        return read(codec).state();
    }

    /**
     * The cluster's state again, with what {@link #of(ClusterId, ClusterState, LoopCodec, Read)}
     * reuses.
     */
    public Read read(LoopCodec<CustomerEvent, ProfileState> codec) {
        return new Read(this, codec);
    }

    @SuppressWarnings("unchecked")
    private ClusterState<CustomerEvent, ProfileState> decode(
            LoopCodec<CustomerEvent, ProfileState> codec, Map<Object, byte[]> known) {
        ClusterState<CustomerEvent, ProfileState> s = new ClusterState<>();
        s.tombstone = tombstone;
        s.forward = forward == null ? null : ClusterId.parse(forward);
        s.members = new TreeSet<>(members);
        s.state = state;
        absorbed.forEach(id -> s.absorbed.add(ClusterId.parse(id)));
        reserved.forEach((id, reservation) -> s.reserved.put(ClusterId.parse(id), reservation));
        s.lockedOn = lockedOn == null ? null : ClusterId.parse(lockedOn);
        fallbacks.forEach(id -> s.fallbacks.add(ClusterId.parse(id)));
        Function<byte[], Message<CustomerEvent, ProfileState>> message =
                record -> codec.decode(record).message();
        if (carried != null) {
            s.carried = (Message.Contribute<CustomerEvent, ProfileState>) message.apply(carried);
            known.put(s.carried, carried);
        }
        s.buffer = new Encoded<>(buffer, message, known);
        if (held != null) {
            s.held =
                    new Encoded<>(
                            held,
                            record ->
                                    (Message.Contribute<CustomerEvent, ProfileState>)
                                            message.apply(record),
                            known);
        }
        s.unhealthy = unhealthy;
        s.announced = announced;
        s.erased = erased;
        s.erasedBy = erasedBy;
        s.erasedAt = erasedAt;
        s.erasedHeld = erasedHeld;
        s.blamed = blamed;
        s.linkedAt = linkedAt;
        s.offered = offered;
        s.awaitingFounder = awaitingFounder;
        if (early != null) {
            s.early = new Encoded<>(early, message, known);
        }
        if (planned != null) {
            s.planned = new Encoded<>(planned, message, known);
        }
        return s;
    }
}
