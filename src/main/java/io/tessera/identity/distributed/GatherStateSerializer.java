package io.tessera.identity.distributed;

import io.tessera.model.CustomerEvent;
import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.Varints;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

/**
 * The compact state form of a Gather's event ({@link GatherState}), part of the savepoint format.
 * The Gather keeps one per multi-identifier event: while it waits for the Directory's replies, then
 * a done marker for a day against late replies. Through Flink's POJO serializer, with its sets and
 * maps through Kryo, a done marker took about 40 bytes beside its key; here it takes seven. The
 * form: a format byte; a varint of flags (done, and which optional fields are present); then the
 * fields, each only when present: strings and the event as the loop's binary form writes them
 * ({@link LoopBinaryForm}), a cluster id as its time and founder, collections as a count and their
 * elements, numbers as zig-zag varints. The POJO form of the releases before restores through
 * Flink's state migration ({@link MigratesFromPojo}).
 */
public final class GatherStateSerializer extends CompactSerializer<GatherState<CustomerEvent>> {
    private static final long serialVersionUID = 1L;

    public static final GatherStateSerializer INSTANCE = new GatherStateSerializer();

    static final int FORMAT = 1;

    private static final int DONE = 1;
    private static final int IDENTIFIERS = 1 << 1;
    private static final int ANCHOR = 1 << 2;
    private static final int PAYLOAD = 1 << 3;
    private static final int JOINING = 1 << 4;
    private static final int UNSENT = 1 << 5;
    private static final int UNSENT_KEYS = 1 << 6;
    private static final int PROVISIONAL = 1 << 7;
    private static final int PLACING = 1 << 8;
    private static final int FOUNDED = 1 << 9;
    private static final int ALL = (1 << 10) - 1;

    @Override
    public GatherState<CustomerEvent> createInstance() {
        return new GatherState<>();
    }

    /** A deep copy, through the form: the state holds mutable collections and an event. */
    @Override
    protected GatherState<CustomerEvent> copyOf(GatherState<CustomerEvent> from) {
        return copyThroughForm(from);
    }

    @Override
    protected void write(GatherState<CustomerEvent> s, DataOutputView out) throws IOException {
        int flags =
                (s.done ? DONE : 0)
                        | (s.identifiers != null ? IDENTIFIERS : 0)
                        | (s.anchor != null ? ANCHOR : 0)
                        | (s.payload != null ? PAYLOAD : 0)
                        | (s.joining != null ? JOINING : 0)
                        | (s.unsent != null ? UNSENT : 0)
                        | (s.unsentKeys != null ? UNSENT_KEYS : 0)
                        | (s.provisional != null ? PROVISIONAL : 0)
                        | (s.placing != null ? PLACING : 0)
                        | (s.founded != null ? FOUNDED : 0);
        out.writeByte(FORMAT);
        Varints.writeLong(flags, out);
        if (s.identifiers != null) {
            LoopBinaryForm.strings(s.identifiers, out);
        }
        if (s.anchor != null) {
            LoopBinaryForm.string(s.anchor, out);
        }
        Varints.writeLong(s.time, out);
        if (s.payload != null) {
            LoopBinaryForm.event(s.payload, out);
        }
        Map<String, ClusterId> replies = s.replies == null ? Map.of() : s.replies;
        Varints.writeLong(replies.size(), out);
        for (Map.Entry<String, ClusterId> reply : replies.entrySet()) {
            LoopBinaryForm.string(reply.getKey(), out);
            LoopBinaryForm.id(reply.getValue(), out);
        }
        LoopBinaryForm.strings(s.quarantined == null ? Set.of() : s.quarantined, out);
        if (s.founded != null) {
            LoopBinaryForm.strings(s.founded, out);
        }
        if (s.joining != null) {
            texts(s.joining, out);
        }
        if (s.unsent != null) {
            Varints.writeLong(s.unsent.size(), out);
            for (Map.Entry<String, Long> entry : s.unsent.entrySet()) {
                LoopBinaryForm.string(entry.getKey(), out);
                Varints.writeLong(entry.getValue(), out);
            }
        }
        if (s.unsentKeys != null) {
            texts(s.unsentKeys, out);
        }
        if (s.provisional != null) {
            LoopBinaryForm.strings(s.provisional, out);
        }
        if (s.placing != null) {
            texts(s.placing, out);
        }
    }

    @Override
    protected GatherState<CustomerEvent> read(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException(
                    "a Gather's state of form " + format + ": this release reads " + FORMAT);
        }
        long flags = Varints.readLong(in);
        if ((flags & ~ALL) != 0) {
            throw new IOException("a Gather's state with flags " + flags + " it cannot have");
        }
        GatherState<CustomerEvent> s = new GatherState<>();
        s.done = (flags & DONE) != 0;
        s.identifiers = (flags & IDENTIFIERS) != 0 ? LoopBinaryForm.stringList(in) : null;
        s.anchor = (flags & ANCHOR) != 0 ? LoopBinaryForm.string(in) : null;
        s.time = Varints.readLong(in);
        s.payload = (flags & PAYLOAD) != 0 ? LoopBinaryForm.event(in) : null;
        int replies = LoopBinaryForm.count(in);
        for (int i = 0; i < replies; i++) {
            s.replies.put(LoopBinaryForm.string(in), LoopBinaryForm.id(in));
        }
        s.quarantined = new TreeSet<>(LoopBinaryForm.stringList(in));
        s.founded = (flags & FOUNDED) != 0 ? new TreeSet<>(LoopBinaryForm.stringList(in)) : null;
        s.joining = (flags & JOINING) != 0 ? texts(in) : null;
        if ((flags & UNSENT) != 0) {
            int unsent = LoopBinaryForm.count(in);
            s.unsent = new TreeMap<>();
            for (int i = 0; i < unsent; i++) {
                s.unsent.put(LoopBinaryForm.string(in), Varints.readLong(in));
            }
        }
        s.unsentKeys = (flags & UNSENT_KEYS) != 0 ? texts(in) : null;
        s.provisional =
                (flags & PROVISIONAL) != 0 ? new TreeSet<>(LoopBinaryForm.stringList(in)) : null;
        s.placing = (flags & PLACING) != 0 ? texts(in) : null;
        return s;
    }

    private static void texts(Map<String, String> map, DataOutput out) throws IOException {
        Varints.writeLong(map.size(), out);
        for (Map.Entry<String, String> entry : map.entrySet()) {
            LoopBinaryForm.string(entry.getKey(), out);
            LoopBinaryForm.string(entry.getValue(), out);
        }
    }

    private static Map<String, String> texts(DataInput in) throws IOException {
        int size = LoopBinaryForm.count(in);
        Map<String, String> map = new TreeMap<>();
        for (int i = 0; i < size; i++) {
            map.put(LoopBinaryForm.string(in), LoopBinaryForm.string(in));
        }
        return map;
    }

    @Override
    public TypeSerializerSnapshot<GatherState<CustomerEvent>> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<GatherState<CustomerEvent>> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** The type information of the Gather's state: events of the job, in the compact form. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static TypeInformation<GatherState<CustomerEvent>> typeInfo() {
        return new CompactTypeInfo<>((Class) GatherState.class, INSTANCE);
    }
}
