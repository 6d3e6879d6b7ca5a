package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.state.CompactSerializer;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.Varints;
import java.io.IOException;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * How a sequence's CEP operator stores an event ({@link SequenceEventProjection}'s projection):
 * what its steps can read (type, name, time, message) and its id if it has one. Not its profile id,
 * which the key of every entry of the operator's state already carries: an event read back has
 * none, and {@link SequenceCepOperator} gives its match function the key instead. Not its
 * identifiers, tenant or order either, which no step reads; projected events have none, but the
 * events a 0.1 savepoint buffered whole do, and they are stored without them when the savepoint is
 * migrated. Used for CEP's state only, never on an edge.
 *
 * <p>The form, part of the savepoint format: a flags byte (which of id, type, name and message are
 * present), the time as a zig-zag varint, then the present strings in that order. Releases up to
 * 0.1 stored the whole event with the POJO serializer; their savepoints restore through Flink's
 * state migration.
 */
final class SequenceEventSerializer extends CompactSerializer<ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    static final SequenceEventSerializer INSTANCE = new SequenceEventSerializer();

    /** An event's flags: which of its fields it has (also {@link CepStateForm}'s). */
    static final int ID = 1;

    static final int TYPE = 1 << 1;
    static final int NAME = 1 << 2;
    static final int MESSAGE = 1 << 3;
    static final int ALL = ID | TYPE | NAME | MESSAGE;

    /** Which of its fields an event has. */
    static int flagsOf(CustomerEvent e) {
        return (e.messageId() != null ? ID : 0)
                | (e.type() != null ? TYPE : 0)
                | (e.event() != null ? NAME : 0)
                | (e.message() != null ? MESSAGE : 0);
    }

    @Override
    public ResolvedEvent createInstance() {
        return new ResolvedEvent();
    }

    @Override
    protected ResolvedEvent copyOf(ResolvedEvent from) {
        CustomerEvent e = from.event();
        return new ResolvedEvent(from.profileId(), e.numbered(e.orderKey, e.orderPosition));
    }

    @Override
    protected void write(ResolvedEvent record, DataOutputView out) throws IOException {
        CustomerEvent e = record.event();
        int flags = flagsOf(e);
        out.writeByte(flags);
        Varints.writeLong(e.eventTime(), out);
        if ((flags & ID) != 0) {
            StringValue.writeString(e.messageId(), out);
        }
        if ((flags & TYPE) != 0) {
            StringValue.writeString(e.type(), out);
        }
        if ((flags & NAME) != 0) {
            StringValue.writeString(e.event(), out);
        }
        if ((flags & MESSAGE) != 0) {
            StringValue.writeString(e.message(), out);
        }
    }

    @Override
    protected ResolvedEvent read(DataInputView in) throws IOException {
        int flags = in.readUnsignedByte();
        long time = Varints.readLong(in);
        String id = (flags & ID) != 0 ? StringValue.readString(in) : null;
        String type = (flags & TYPE) != 0 ? StringValue.readString(in) : null;
        String name = (flags & NAME) != 0 ? StringValue.readString(in) : null;
        String message = (flags & MESSAGE) != 0 ? StringValue.readString(in) : null;
        return new ResolvedEvent(
                null, new CustomerEvent(id, type, name, time, List.of(), null, message, null));
    }

    @Override
    public TypeSerializerSnapshot<ResolvedEvent> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<ResolvedEvent> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
