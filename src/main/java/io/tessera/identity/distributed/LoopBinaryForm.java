package io.tessera.identity.distributed;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.state.Varints;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The loop's binary form (version 5) of the messages every event sends: an event to its Gather, a
 * probe and its reply, a contribution, an admission, a cluster's founding and a repoint. They are
 * most of the loop's records and of the job's internal edges, and as JSON their decoding through
 * Jackson's data binding was most of the Directory's and the Gather's CPU and a third of the
 * Cluster's. The other kinds stay JSON ({@link LoopCodec}); a record's first byte tells the forms
 * apart ({@value #VERSION} here, {@code '{'} for JSON; a later binary version starts with
 * its own number, which this release refuses as newer).
 *
 * <p>The form, part of the loop's format: the version byte; the target's actor name and key; the
 * kind's code; then the kind's fields in a fixed order. Strings are a varint of their UTF-8 length
 * plus one (0 for null) and the bytes; times and positions zig-zag varints; a cluster id its
 * creation time and founder; an event its fields in {@link CustomerEvent}'s order, the message's
 * JSON as a string. A later release that changes a kind's fields writes a new version.
 */
final class LoopBinaryForm {
    /** The version, and the first byte of every record in this form. */
    static final int VERSION = 5;

    private static final int CONTRIBUTE = 1;
    private static final int PROBE = 2;
    private static final int REPLY = 3;
    private static final int EVENT = 4;
    private static final int REPOINT = 5;
    private static final int INIT = 6;
    private static final int ADMIT = 7;

    private LoopBinaryForm() {}

    /** Whether a record is in this form (else it is JSON, or not a loop record). */
    static boolean isBinary(byte[] record) {
        return record.length > 0 && record[0] == VERSION;
    }

    /** Whether the message is of a kind this form writes. */
    static boolean writes(Message<?, ?> message) {
        return message instanceof Message.Contribute<?, ?>
                || message instanceof Message.Probe<?, ?>
                || message instanceof Message.Reply<?, ?>
                || message instanceof Message.Event<?, ?>
                || message instanceof Message.Repoint<?, ?>
                || message instanceof Message.Init<?, ?>
                || message instanceof Message.Admit<?, ?>;
    }

    static <A> byte[] encode(Address to, Message<CustomerEvent, A> message) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            string(to.actor().name(), out);
            string(to.key(), out);
            write(message, out);
        } catch (IOException e) {
            throw new IllegalStateException("a loop message cannot be written", e);
        }
        return bytes.toByteArray();
    }

    private static <A> void write(Message<CustomerEvent, A> message, DataOutput out)
            throws IOException {
        if (message instanceof Message.Contribute<CustomerEvent, A> m) {
            out.writeByte(CONTRIBUTE);
            string(m.eventId(), out);
            event(m.payload(), out);
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
            Varints.writeLong(m.identifiers().size(), out);
            for (String identifier : m.identifiers()) {
                string(identifier, out);
            }
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
            Varints.writeLong(m.steps().size(), out);
            for (Message.PlanStep step : m.steps()) {
                string(step.identifier(), out);
                id(step.cluster(), out);
                out.writeBoolean(step.known());
            }
            Varints.writeLong(m.at(), out);
            string(m.contribution().eventId(), out);
            event(m.contribution().payload(), out);
            Varints.writeLong(m.unsent().size(), out);
            for (Message.Init<CustomerEvent, A> init : m.unsent()) {
                init(init, out);
            }
        } else {
            throw new IllegalArgumentException("the binary form does not write " + message);
        }
    }

    /**
     * Reads a record of this form.
     *
     * @throws IllegalArgumentException for a record of another version, of an unknown kind, or cut
     *     short
     */
    static <A> LoopCodec.Envelope<CustomerEvent, A> decode(byte[] record) {
        int kind = -1;
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(record))) {
            in.readByte();
            Address to = new Address(Actor.valueOf(string(in)), string(in));
            kind = in.readUnsignedByte();
            Message<CustomerEvent, A> message = read(kind, in);
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

    private static <A> Message<CustomerEvent, A> read(int kind, DataInput in) throws IOException {
        return switch (kind) {
            case CONTRIBUTE -> new Message.Contribute<>(string(in), event(in));
            case PROBE ->
                    new Message.Probe<>(
                            string(in),
                            string(in),
                            Varints.readLong(in),
                            in.readBoolean() ? event(in) : null,
                            string(in),
                            Varints.readLong(in),
                            string(in));
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
                int count = count(in);
                List<String> identifiers = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    identifiers.add(string(in));
                }
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
                int count = count(in);
                List<Message.PlanStep> steps = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    steps.add(new Message.PlanStep(string(in), id(in), in.readBoolean()));
                }
                long at = Varints.readLong(in);
                Message.Contribute<CustomerEvent, A> contribution =
                        new Message.Contribute<>(string(in), event(in));
                int unsentCount = count(in);
                List<Message.Init<CustomerEvent, A>> unsent = new ArrayList<>(unsentCount);
                for (int i = 0; i < unsentCount; i++) {
                    unsent.add(init(in));
                }
                yield new Message.Admit<>(
                        plan, List.copyOf(steps), at, contribution, List.copyOf(unsent));
            }
            default ->
                    throw new IllegalArgumentException(
                            "a loop record of version " + VERSION + " has an unknown kind " + kind);
        };
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

    private static void id(ClusterId id, DataOutput out) throws IOException {
        Varints.writeLong(id.createdAt(), out);
        string(id.founder(), out);
    }

    private static ClusterId id(DataInput in) throws IOException {
        long createdAt = Varints.readLong(in);
        String founder = string(in);
        if (founder == null) {
            throw new IllegalArgumentException("a loop record lacks a cluster id");
        }
        return new ClusterId(createdAt, founder);
    }

    /** An event: its fields in {@link CustomerEvent}'s order. */
    private static void event(CustomerEvent event, DataOutput out) throws IOException {
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

    private static CustomerEvent event(DataInput in) throws IOException {
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

    private static int count(DataInput in) throws IOException {
        long count = Varints.readLong(in);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a loop record holds a count of " + count);
        }
        return (int) count;
    }

    private static void string(String value, DataOutput out) throws IOException {
        if (value == null) {
            Varints.writeLong(0, out);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        Varints.writeLong(bytes.length + 1L, out);
        out.write(bytes);
    }

    private static String string(DataInput in) throws IOException {
        int length = count(in);
        if (length == 0) {
            return null;
        }
        byte[] bytes = new byte[length - 1];
        in.readFully(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
