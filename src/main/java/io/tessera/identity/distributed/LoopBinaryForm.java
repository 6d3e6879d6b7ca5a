package io.tessera.identity.distributed;

import io.tessera.identity.ProfileStateSerializer;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.state.Varints;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The loop's binary form of every message kind (version {@value #VERSION}). As JSON, decoding
 * through Jackson's data binding was most of the Directory's and the Gather's CPU and a third of the
 * Cluster's, and the merges' messages carry a whole profile. Version 5 wrote only the messages every
 * event sends (an event to its Gather, a probe and its reply, a contribution, an admission, a
 * cluster's founding and a repoint); version 6 writes the merges', the deletes' and the blames' too,
 * and a profile in its state form ({@link ProfileStateSerializer}, which starts with a format byte of
 * its own); version 7 adds what an event sent straight to its anchor's cluster requires ({@link
 * Message.Probe#requires}, {@link Message.Contribute#requires}) to a probe, a contribution and a
 * relay; version 8 whether a never-seen anchor may join the profile of the event's other
 * identifiers ({@link Message.Probe#mayJoin}, {@link Message.Admit#anchor}). Records of versions 5
 * to 7 and JSON ({@link LoopCodec}, versions 1 to 4) left by an
 * earlier release are still read; a record's first byte tells the forms apart (the version here, {@code
 * '{'} for JSON; a later binary version starts with its own number, which this release refuses as
 * newer).
 *
 * <p>The form, part of the loop's format: the version byte; the target's actor name and key; the
 * kind's code; then the kind's fields in a fixed order. Strings are a varint of their UTF-8 length
 * plus one (0 for null); times and positions zig-zag varints; lists, sets and maps a varint count
 * (plus one where null is possible) and their elements in order; a cluster id its creation time and
 * founder; an event its fields in {@link CustomerEvent}'s order, the message's JSON as a string. A
 * later release that changes a kind's fields writes a new version.
 */
final class LoopBinaryForm {
    /** The version this release writes, and the first byte of its records. */
    static final int VERSION = 8;

    /** The first version with what an event sent straight to its anchor's cluster requires. */
    static final int REQUIRES_VERSION = 7;

    /**
     * The first version with a probe's {@link Message.Probe#mayJoin} and an admission's {@link
     * Message.Admit#anchor} and {@link Message.Admit#provisional}.
     */
    static final int MAY_JOIN_VERSION = 8;

    /** The first binary version: the kinds up to {@link #ADMIT} only. */
    static final int FIRST_VERSION = 5;

    private static final int CONTRIBUTE = 1;
    private static final int PROBE = 2;
    private static final int REPLY = 3;
    private static final int EVENT = 4;
    private static final int REPOINT = 5;
    private static final int INIT = 6;
    private static final int ADMIT = 7;
    private static final int LINK = 8;
    private static final int PLAN = 9;
    private static final int SKIP = 10;
    private static final int PROPOSE = 11;
    private static final int OFFER = 12;
    private static final int RELAY = 13;
    private static final int ACCEPT = 14;
    private static final int REJECT = 15;
    private static final int ABSORB = 16;
    private static final int BLAME = 17;
    private static final int ERASE = 18;
    private static final int ERASE_JOINED = 19;
    private static final int FORGET = 20;

    private LoopBinaryForm() {}

    /** Whether a record is in this form (else it is JSON, or not a loop record). */
    static boolean isBinary(byte[] record) {
        return record.length > 0 && record[0] >= FIRST_VERSION && record[0] <= VERSION;
    }

    /** Writes a message; {@code states} writes the profiles the merges' messages carry. */
    static <A> byte[] encode(
            Address to, Message<CustomerEvent, A> message, TypeSerializer<A> states) {
        // (Flink's serializer: a stream over a ByteArrayOutputStream locks at every byte)
        DataOutputSerializer out = new DataOutputSerializer(256);
        try {
            out.writeByte(VERSION);
            string(to.actor().name(), out);
            string(to.key(), out);
            write(message, states, out);
        } catch (IOException e) {
            throw new IllegalStateException("a loop message cannot be written", e);
        }
        return out.getCopyOfBuffer();
    }

    private static <A> void write(
            Message<CustomerEvent, A> message, TypeSerializer<A> states, DataOutputView out)
            throws IOException {
        if (message instanceof Message.Contribute<CustomerEvent, A> m) {
            out.writeByte(CONTRIBUTE);
            string(m.eventId(), out);
            event(m.payload(), out);
            optionalStrings(m.requires(), out);
        } else if (message instanceof Message.Probe<CustomerEvent, A> m) {
            out.writeByte(PROBE);
            string(m.eventId(), out);
            string(m.identifier(), out);
            Varints.writeLong(m.time(), out);
            out.writeBoolean(m.payload() != null);
            if (m.payload() != null) {
                event(m.payload(), out);
            }
            string(m.orderKey(), out);
            Varints.writeLong(m.orderPosition(), out);
            string(m.anchor(), out);
            optionalStrings(m.requires(), out);
            out.writeBoolean(m.mayJoin());
        } else if (message instanceof Message.Reply<CustomerEvent, A> m) {
            out.writeByte(REPLY);
            string(m.eventId(), out);
            string(m.identifier(), out);
            id(m.cluster(), out);
            out.writeByte(
                    (m.quarantined() ? 1 : 0)
                            | (m.founded() ? 2 : 0)
                            | (m.unsent() != null ? 4 : 0)
                            | (m.provisional() ? 8 : 0));
            string(m.joining(), out);
            if (m.unsent() != null) {
                string(m.unsent().orderKey(), out);
                Varints.writeLong(m.unsent().orderPosition(), out);
            }
        } else if (message instanceof Message.Event<CustomerEvent, A> m) {
            out.writeByte(EVENT);
            string(m.eventId(), out);
            strings(m.identifiers(), out);
            string(m.anchor(), out);
            Varints.writeLong(m.time(), out);
            event(m.payload(), out);
        } else if (message instanceof Message.Repoint<CustomerEvent, A> m) {
            out.writeByte(REPOINT);
            id(m.cluster(), out);
            out.writeBoolean(m.apart());
            out.writeBoolean(m.placement() != null);
            if (m.placement() != null) {
                id(m.placement(), out);
            }
        } else if (message instanceof Message.Init<CustomerEvent, A> m) {
            out.writeByte(INIT);
            init(m, out);
        } else if (message instanceof Message.Admit<CustomerEvent, A> m) {
            out.writeByte(ADMIT);
            string(m.eventId(), out);
            steps(m.steps(), out);
            Varints.writeLong(m.at(), out);
            string(m.contribution().eventId(), out);
            event(m.contribution().payload(), out);
            list(m.unsent(), LoopBinaryForm::init, out);
            string(m.anchor(), out);
            out.writeBoolean(m.provisional());
        } else if (message instanceof Message.Link<CustomerEvent, A> m) {
            out.writeByte(LINK);
            id(m.winner(), out);
            ids(m.fallbacks(), out);
            contribution(m.carried(), out);
            string(m.blamed(), out);
            Varints.writeLong(m.at(), out);
            string(m.plan(), out);
        } else if (message instanceof Message.Plan<CustomerEvent, A> m) {
            out.writeByte(PLAN);
            string(m.eventId(), out);
            steps(m.steps(), out);
            Varints.writeLong(m.at(), out);
        } else if (message instanceof Message.Skip<CustomerEvent, A> m) {
            out.writeByte(SKIP);
            string(m.plan(), out);
            id(m.from(), out);
        } else if (message instanceof Message.Propose<CustomerEvent, A> m) {
            out.writeByte(PROPOSE);
            id(m.from(), out);
            reservation(m.own(), out);
            reservations(m.pending(), out);
        } else if (message instanceof Message.Offer<CustomerEvent, A> m) {
            out.writeByte(OFFER);
            id(m.from(), out);
            strings(m.members(), out);
            state(m.state(), states, out);
            reservation(m.own(), out);
            ids(m.absorbed(), out);
            reservations(m.pending(), out);
            out.writeBoolean(m.announced());
            contribution(m.carried(), out);
            Varints.writeLong(m.at(), out);
            string(m.plan(), out);
        } else if (message instanceof Message.Relay<CustomerEvent, A> m) {
            out.writeByte(RELAY);
            id(m.from(), out);
            string(m.contribution().eventId(), out);
            event(m.contribution().payload(), out);
            optionalStrings(m.contribution().requires(), out);
        } else if (message instanceof Message.Accept<CustomerEvent, A> m) {
            out.writeByte(ACCEPT);
            id(m.winner(), out);
            out.writeBoolean(m.taken());
        } else if (message instanceof Message.Reject<CustomerEvent, A> m) {
            out.writeByte(REJECT);
            id(m.winner(), out);
            string(m.rule(), out);
            string(m.detail(), out);
            out.writeBoolean(m.planned());
            optionalId(m.redirect(), out);
        } else if (message instanceof Message.Absorb<CustomerEvent, A> m) {
            out.writeByte(ABSORB);
            id(m.from(), out);
            strings(m.members(), out);
            state(m.state(), states, out);
            stringMap(m.unique(), out);
            out.writeBoolean(m.reserved());
            ids(m.absorbed(), out);
            reservations(m.pending(), out);
            out.writeBoolean(m.announced());
            Varints.writeLong(m.at(), out);
        } else if (message instanceof Message.Blame<CustomerEvent, A> m) {
            out.writeByte(BLAME);
            string(m.identifier(), out);
        } else if (message instanceof Message.Erase<CustomerEvent, A> m) {
            out.writeByte(ERASE);
            string(m.eventId(), out);
            string(m.identifier(), out);
            Varints.writeLong(m.time(), out);
            optionalEvent(m.payload(), out);
        } else if (message instanceof Message.EraseJoined<CustomerEvent, A> m) {
            out.writeByte(ERASE_JOINED);
            id(m.from(), out);
            reservation(m.own(), out);
            Varints.writeLong(m.time(), out);
            optionalEvent(m.delete(), out);
        } else if (message instanceof Message.Forget<CustomerEvent, A> m) {
            out.writeByte(FORGET);
            id(m.cluster(), out);
            Varints.writeLong(m.foundAfter(), out);
        } else {
            throw new IllegalArgumentException("the binary form does not write " + message);
        }
    }

    /**
     * Reads a record of this form; {@code states} reads the profiles the merges' messages carry.
     *
     * @throws IllegalArgumentException for a record of another version, of an unknown kind, or cut
     *     short
     */
    static <A> LoopCodec.Envelope<CustomerEvent, A> decode(
            byte[] record, TypeSerializer<A> states) {
        int kind = -1;
        try {
            DataInputDeserializer in = new DataInputDeserializer(record);
            int version = in.readByte();
            Address to = new Address(Actor.valueOf(string(in)), string(in));
            kind = in.readUnsignedByte();
            if (version == FIRST_VERSION && kind > ADMIT) {
                throw new IllegalArgumentException(
                        "a loop record of version " + version + " has an unknown kind " + kind);
            }
            Message<CustomerEvent, A> message = read(kind, version, states, in);
            if (in.available() != 0) {
                throw new IllegalArgumentException(
                        "a loop record of kind " + kind + " has " + in.available() + " bytes more");
            }
            return new LoopCodec.Envelope<>(to, message);
        } catch (EOFException e) {
            throw new IllegalArgumentException(
                    "a loop record of kind " + kind + " is cut short", e);
        } catch (IOException e) {
            throw new IllegalArgumentException("a loop record cannot be read", e);
        }
    }

    private static <A> Message<CustomerEvent, A> read(
            int kind, int version, TypeSerializer<A> states, DataInputView in) throws IOException {
        return switch (kind) {
            case CONTRIBUTE ->
                    new Message.Contribute<>(string(in), event(in), requires(version, in));
            case PROBE ->
                    new Message.Probe<>(
                            string(in),
                            string(in),
                            Varints.readLong(in),
                            in.readBoolean() ? event(in) : null,
                            string(in),
                            Varints.readLong(in),
                            string(in),
                            requires(version, in),
                            version >= MAY_JOIN_VERSION && in.readBoolean());
            case REPLY -> {
                String eventId = string(in);
                String identifier = string(in);
                ClusterId cluster = id(in);
                int flags = in.readUnsignedByte();
                String joining = string(in);
                Message.Init<CustomerEvent, A> unsent =
                        (flags & 4) != 0
                                ? new Message.Init<>(identifier, string(in), Varints.readLong(in))
                                : null;
                yield new Message.Reply<>(
                        eventId,
                        identifier,
                        cluster,
                        (flags & 1) != 0,
                        (flags & 2) != 0,
                        joining,
                        unsent,
                        (flags & 8) != 0);
            }
            case EVENT -> {
                String eventId = string(in);
                List<String> identifiers = stringList(in);
                yield new Message.Event<>(
                        eventId,
                        List.copyOf(identifiers),
                        string(in),
                        Varints.readLong(in),
                        event(in));
            }
            case REPOINT -> {
                ClusterId cluster = id(in);
                boolean apart = in.readBoolean();
                yield new Message.Repoint<>(cluster, apart, in.readBoolean() ? id(in) : null);
            }
            case INIT -> init(in);
            case ADMIT -> {
                String plan = string(in);
                List<Message.PlanStep> steps = steps(in);
                long at = Varints.readLong(in);
                Message.Contribute<CustomerEvent, A> contribution =
                        new Message.Contribute<>(string(in), event(in));
                List<Message.Init<CustomerEvent, A>> unsent = list(LoopBinaryForm::init, in);
                String anchor = version >= MAY_JOIN_VERSION ? string(in) : null;
                boolean provisional = version >= MAY_JOIN_VERSION && in.readBoolean();
                yield new Message.Admit<>(
                        plan, steps, at, contribution, List.copyOf(unsent), anchor, provisional);
            }
            case LINK ->
                    new Message.Link<>(
                            id(in),
                            idList(in),
                            contribution(in),
                            string(in),
                            Varints.readLong(in),
                            string(in));
            case PLAN -> new Message.Plan<>(string(in), steps(in), Varints.readLong(in));
            case SKIP -> new Message.Skip<>(string(in), id(in));
            case PROPOSE -> new Message.Propose<>(id(in), reservation(in), reservations(in));
            case OFFER ->
                    new Message.Offer<>(
                            id(in),
                            stringSet(in),
                            state(states, in),
                            reservation(in),
                            new TreeSet<>(idList(in)),
                            reservations(in),
                            in.readBoolean(),
                            contribution(in),
                            Varints.readLong(in),
                            string(in));
            case RELAY ->
                    new Message.Relay<>(
                            id(in),
                            new Message.Contribute<>(string(in), event(in), requires(version, in)));
            case ACCEPT -> new Message.Accept<>(id(in), in.readBoolean());
            case REJECT ->
                    new Message.Reject<>(
                            id(in), string(in), string(in), in.readBoolean(), optionalId(in));
            case ABSORB ->
                    new Message.Absorb<>(
                            id(in),
                            stringSet(in),
                            state(states, in),
                            stringMap(in),
                            in.readBoolean(),
                            new TreeSet<>(idList(in)),
                            reservations(in),
                            in.readBoolean(),
                            Varints.readLong(in));
            case BLAME -> new Message.Blame<>(string(in));
            case ERASE ->
                    new Message.Erase<>(
                            string(in), string(in), Varints.readLong(in), optionalEvent(in));
            case ERASE_JOINED ->
                    new Message.EraseJoined<>(
                            id(in), reservation(in), Varints.readLong(in), optionalEvent(in));
            case FORGET -> new Message.Forget<>(id(in), Varints.readLong(in));
            default ->
                    throw new IllegalArgumentException(
                            "a loop record of version " + version + " has an unknown kind " + kind);
        };
    }

    private static <A> void contribution(
            Message.Contribute<CustomerEvent, A> contribution, DataOutput out) throws IOException {
        out.writeBoolean(contribution != null);
        if (contribution != null) {
            string(contribution.eventId(), out);
            event(contribution.payload(), out);
        }
    }

    private static <A> Message.Contribute<CustomerEvent, A> contribution(DataInput in)
            throws IOException {
        return in.readBoolean() ? new Message.Contribute<>(string(in), event(in)) : null;
    }

    private static <A> void state(A state, TypeSerializer<A> states, DataOutputView out)
            throws IOException {
        out.writeBoolean(state != null);
        if (state != null) {
            states.serialize(state, out);
        }
    }

    private static <A> A state(TypeSerializer<A> states, DataInputView in) throws IOException {
        return in.readBoolean() ? states.deserialize(in) : null;
    }

    private static void steps(List<Message.PlanStep> steps, DataOutput out) throws IOException {
        list(
                steps,
                (step, o) -> {
                    string(step.identifier(), o);
                    id(step.cluster(), o);
                    o.writeBoolean(step.known());
                },
                out);
    }

    private static List<Message.PlanStep> steps(DataInput in) throws IOException {
        return List.copyOf(list(i -> new Message.PlanStep(string(i), id(i), i.readBoolean()), in));
    }

    /** Writes one element of a list. */
    interface ElementWriter<T> {
        void write(T element, DataOutput out) throws IOException;
    }

    /** Reads one element of a list. */
    interface ElementReader<T> {
        T read(DataInput in) throws IOException;
    }

    /** A list, set or other collection: its size, then its elements in order. */
    static <T> void list(Collection<T> elements, ElementWriter<T> writer, DataOutput out)
            throws IOException {
        Varints.writeLong(elements.size(), out);
        for (T element : elements) {
            writer.write(element, out);
        }
    }

    /** What {@link #list(Collection, ElementWriter, DataOutput)} wrote, as a list. */
    static <T> List<T> list(ElementReader<T> reader, DataInput in) throws IOException {
        int count = count(in);
        List<T> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            elements.add(reader.read(in));
        }
        return elements;
    }

    private static void ids(Collection<ClusterId> ids, DataOutput out) throws IOException {
        list(ids, LoopBinaryForm::id, out);
    }

    private static List<ClusterId> idList(DataInput in) throws IOException {
        return list(LoopBinaryForm::id, in);
    }

    private static void optionalId(ClusterId id, DataOutput out) throws IOException {
        out.writeBoolean(id != null);
        if (id != null) {
            id(id, out);
        }
    }

    private static ClusterId optionalId(DataInput in) throws IOException {
        return in.readBoolean() ? id(in) : null;
    }

    static void strings(Collection<String> strings, DataOutput out) throws IOException {
        list(strings, LoopBinaryForm::string, out);
    }

    static List<String> stringList(DataInput in) throws IOException {
        return list(LoopBinaryForm::string, in);
    }

    /** A list of strings, or null: its size plus one (0 for null), then its elements. */
    private static void optionalStrings(List<String> strings, DataOutput out) throws IOException {
        if (strings == null) {
            Varints.writeLong(0, out);
            return;
        }
        Varints.writeLong(strings.size() + 1L, out);
        for (String value : strings) {
            string(value, out);
        }
    }

    /** What an event sent straight to its anchor's cluster requires: none before version 7. */
    private static List<String> requires(int version, DataInput in) throws IOException {
        if (version < REQUIRES_VERSION) {
            return null;
        }
        int count = count(in);
        if (count == 0) {
            return null;
        }
        List<String> strings = new ArrayList<>(count - 1);
        for (int i = 1; i < count; i++) {
            strings.add(string(in));
        }
        return List.copyOf(strings);
    }

    private static Set<String> stringSet(DataInput in) throws IOException {
        return new TreeSet<>(stringList(in));
    }

    /** A map of strings, or null: its size plus one (0 for null), then its entries. */
    private static void stringMap(Map<String, String> map, DataOutput out) throws IOException {
        if (map == null) {
            Varints.writeLong(0, out);
            return;
        }
        Varints.writeLong(map.size() + 1L, out);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            string(entry.getKey(), out);
            string(entry.getValue(), out);
        }
    }

    private static Map<String, String> stringMap(DataInput in) throws IOException {
        int count = count(in);
        if (count == 0) {
            return null;
        }
        Map<String, String> map = new TreeMap<>();
        for (int i = 1; i < count; i++) {
            map.put(string(in), string(in));
        }
        return map;
    }

    /** A reservation, or null: its unique values, its counts by type and its size. */
    static void reservation(Reservation reservation, DataOutput out) throws IOException {
        out.writeBoolean(reservation != null);
        if (reservation == null) {
            return;
        }
        stringMap(reservation.unique(), out);
        Map<String, Integer> counts = reservation.counts();
        if (counts == null) {
            Varints.writeLong(0, out);
        } else {
            Varints.writeLong(counts.size() + 1L, out);
            for (Map.Entry<String, Integer> entry : counts.entrySet()) {
                string(entry.getKey(), out);
                Varints.writeLong(entry.getValue(), out);
            }
        }
        Varints.writeLong(reservation.size(), out);
    }

    static Reservation reservation(DataInput in) throws IOException {
        if (!in.readBoolean()) {
            return null;
        }
        Map<String, String> unique = stringMap(in);
        int count = count(in);
        Map<String, Integer> counts = null;
        if (count > 0) {
            counts = new TreeMap<>();
            for (int i = 1; i < count; i++) {
                counts.put(string(in), (int) Varints.readLong(in));
            }
        }
        return new Reservation(unique, counts, (int) Varints.readLong(in));
    }

    private static void reservations(Map<ClusterId, Reservation> pending, DataOutput out)
            throws IOException {
        Varints.writeLong(pending.size(), out);
        for (Map.Entry<ClusterId, Reservation> entry : pending.entrySet()) {
            id(entry.getKey(), out);
            reservation(entry.getValue(), out);
        }
    }

    private static Map<ClusterId, Reservation> reservations(DataInput in) throws IOException {
        int count = count(in);
        Map<ClusterId, Reservation> pending = new TreeMap<>();
        for (int i = 0; i < count; i++) {
            pending.put(id(in), reservation(in));
        }
        return pending;
    }

    private static void optionalEvent(CustomerEvent event, DataOutput out) throws IOException {
        out.writeBoolean(event != null);
        if (event != null) {
            event(event, out);
        }
    }

    private static CustomerEvent optionalEvent(DataInput in) throws IOException {
        return in.readBoolean() ? event(in) : null;
    }

    private static void init(Message.Init<?, ?> init, DataOutput out) throws IOException {
        string(init.identifier(), out);
        string(init.orderKey(), out);
        Varints.writeLong(init.orderPosition(), out);
        out.writeBoolean(init.tellsDirectory());
    }

    private static <A> Message.Init<CustomerEvent, A> init(DataInput in) throws IOException {
        return new Message.Init<>(string(in), string(in), Varints.readLong(in), in.readBoolean());
    }

    static void id(ClusterId id, DataOutput out) throws IOException {
        Varints.writeLong(id.createdAt(), out);
        string(id.founder(), out);
    }

    static ClusterId id(DataInput in) throws IOException {
        long createdAt = Varints.readLong(in);
        String founder = string(in);
        if (founder == null) {
            throw new IllegalArgumentException("a loop record lacks a cluster id");
        }
        return new ClusterId(createdAt, founder);
    }

    /** An event: its fields in {@link CustomerEvent}'s order. */
    static void event(CustomerEvent event, DataOutput out) throws IOException {
        string(event.messageId, out);
        string(event.type, out);
        string(event.event, out);
        Varints.writeLong(event.eventTime, out);
        if (event.identifiers == null) {
            Varints.writeLong(0, out);
        } else {
            Varints.writeLong(event.identifiers.size() + 1L, out);
            for (Identifier identifier : event.identifiers) {
                string(identifier.type, out);
                string(identifier.value, out);
            }
        }
        string(event.previousId, out);
        string(event.message, out);
        string(event.tenant, out);
        string(event.orderKey, out);
        Varints.writeLong(event.orderPosition, out);
    }

    static CustomerEvent event(DataInput in) throws IOException {
        CustomerEvent event = new CustomerEvent();
        event.messageId = string(in);
        event.type = string(in);
        event.event = string(in);
        event.eventTime = Varints.readLong(in);
        int identifiers = count(in);
        if (identifiers > 0) {
            List<Identifier> list = new ArrayList<>(identifiers - 1);
            for (int i = 1; i < identifiers; i++) {
                list.add(new Identifier(string(in), string(in)));
            }
            event.identifiers = list;
        }
        event.previousId = string(in);
        event.message = string(in);
        event.tenant = string(in);
        event.orderKey = string(in);
        event.orderPosition = Varints.readLong(in);
        return event;
    }

    static int count(DataInput in) throws IOException {
        long count = Varints.readLong(in);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a loop record holds a count of " + count);
        }
        return (int) count;
    }

    static void string(String value, DataOutput out) throws IOException {
        if (value == null) {
            Varints.writeLong(0, out);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Varints.writeLong(bytes.length + 1L, out);
        out.write(bytes);
    }

    static String string(DataInput in) throws IOException {
        int length = count(in);
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[length - 1];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
