package io.tessera.model;

import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.StringForm;
import io.tessera.state.Varints;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The compact form of an accepted event, wherever Flink carries one by its type: every edge of the
 * job between ingestion and activation, and any state that would keep one. Flink's POJO serializer,
 * which it replaces, wrote each string char by char (the raw message too) and copied an event field
 * by field through reflection between chained operators.
 *
 * <p>The form: a format byte, then {@link #writeForm}: strings in {@link StringForm#EXACT} (UTF-8
 * bytes after their length, lone surrogates kept), the event time and order position as zig-zag
 * varints, the identifiers as a count plus one (zero: null) and each one's type and value. The
 * identity loop's binary form writes an event the same way, its strings in {@link StringForm#UTF8},
 * without the format byte.
 */
public final class CustomerEventSerializer extends CompactSerializer<CustomerEvent> {
    private static final long serialVersionUID = 1L;

    public static final CustomerEventSerializer INSTANCE = new CustomerEventSerializer();

    static final int FORMAT = 1;

    @Override
    public CustomerEvent createInstance() {
        return new CustomerEvent();
    }

    /** A copy: strings are immutable, the list of identifiers and each identifier are not. */
    @Override
    protected CustomerEvent copyOf(CustomerEvent from) {
        CustomerEvent copy = new CustomerEvent();
        copy.messageId = from.messageId;
        copy.type = from.type;
        copy.event = from.event;
        copy.eventTime = from.eventTime;
        if (from.identifiers != null) {
            List<Identifier> identifiers = new ArrayList<>(from.identifiers.size());
            for (Identifier identifier : from.identifiers) {
                identifiers.add(
                        identifier == null
                                ? null
                                : new Identifier(identifier.type, identifier.value));
            }
            copy.identifiers = identifiers;
        }
        copy.previousId = from.previousId;
        copy.message = from.message;
        copy.tenant = from.tenant;
        copy.orderKey = from.orderKey;
        copy.orderPosition = from.orderPosition;
        return copy;
    }

    @Override
    protected void write(CustomerEvent event, DataOutputView out) throws IOException {
        out.writeByte(FORMAT);
        writeForm(event, StringForm.EXACT, out);
    }

    @Override
    protected CustomerEvent read(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException("an event of form " + format + ": this release reads " + FORMAT);
        }
        return readForm(StringForm.EXACT, in);
    }

    /**
     * Writes an event's fields (no format byte), its strings in the form given: exact on Flink's
     * edges, UTF-8 in the identity loop's binary records (their form since version 6).
     */
    public static void writeForm(CustomerEvent event, StringForm strings, DataOutput out)
            throws IOException {
        strings.write(event.messageId, out);
        strings.write(event.type, out);
        strings.write(event.event, out);
        Varints.writeLong(event.eventTime, out);
        if (event.identifiers == null) {
            Varints.writeLong(0, out);
        } else {
            Varints.writeLong(event.identifiers.size() + 1L, out);
            for (Identifier identifier : event.identifiers) {
                strings.write(identifier.type, out);
                strings.write(identifier.value, out);
            }
        }
        strings.write(event.previousId, out);
        strings.write(event.message, out);
        strings.write(event.tenant, out);
        strings.write(event.orderKey, out);
        Varints.writeLong(event.orderPosition, out);
    }

    /**
     * Reads the fields {@link #writeForm} wrote.
     *
     * @throws IOException when the bytes end first or hold an impossible length
     */
    public static CustomerEvent readForm(StringForm strings, DataInput in) throws IOException {
        CustomerEvent event = new CustomerEvent();
        event.messageId = strings.read(in);
        event.type = strings.read(in);
        event.event = strings.read(in);
        event.eventTime = Varints.readLong(in);
        int identifiers = count(in);
        if (identifiers > 0) {
            List<Identifier> list = new ArrayList<>(identifiers - 1);
            for (int i = 1; i < identifiers; i++) {
                list.add(new Identifier(strings.read(in), strings.read(in)));
            }
            event.identifiers = list;
        }
        event.previousId = strings.read(in);
        event.message = strings.read(in);
        event.tenant = strings.read(in);
        event.orderKey = strings.read(in);
        event.orderPosition = Varints.readLong(in);
        return event;
    }

    private static int count(DataInput in) throws IOException {
        long count = Varints.readLong(in);
        if (count < 0 || count > Integer.MAX_VALUE) {
            throw new IOException("an event's form holds a count of " + count);
        }
        return (int) count;
    }

    @Override
    public TypeSerializerSnapshot<CustomerEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /**
     * The serializer's snapshot; it has no configuration. Part of the savepoint format: a state
     * that kept events through the POJO form of the releases before migrates.
     */
    public static final class Snapshot extends MigratesFromPojo<CustomerEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The factory the annotation on {@link CustomerEvent} names. */
    public static final class TypeFactory extends TypeInfoFactory<CustomerEvent> {
        @Override
        public TypeInformation<CustomerEvent> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(CustomerEvent.class, INSTANCE);
        }
    }
}
