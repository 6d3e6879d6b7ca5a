package io.tessera.identity;

import io.tessera.model.IdentifierTypes;
import io.tessera.state.CompactSerializer;
import io.tessera.state.CompactTypeInfo;
import io.tessera.state.MigratesFromPojo;
import io.tessera.state.Varints;
import io.tessera.traits.TraitStateSerializer;
import java.io.IOException;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

/**
 * Flink's serializer of a {@link ProfileState}, wherever the type appears: single mode's stored
 * profiles, distributed mode's clusters, the profile view's copy, and the snapshots that cross the
 * network between them. The POJO serializer wrote every field with a null flag and eight bytes per
 * number, and set each field by reflection; this form writes only what a profile holds.
 *
 * <p>The form, part of the savepoint format:
 *
 * <ol>
 *   <li>a format byte ({@value #FORMAT}), so a later release can read this one as it is;
 *   <li>a flags byte: which of the optional parts follow (events seen, a wake-up, consent, order
 *       positions, order floors, when the trait values were computed) and which form the id has;
 *   <li>the creation time; the id: when it has the short form {@link IdentityKeys#profileId} gives
 *       (a flag says so), its digest's ten bytes; when it has the timed form {@link
 *       IdentityKeys#timedProfileId} gives for that time (another flag), its digest's eight bytes;
 *       else the text;
 *   <li>the identifiers: their number, then each as a type number (a built-in type's place in
 *       {@link IdentifierTypes}, or 0) and the value (the whole key for 0); strings take {@link
 *       StringValue}'s form, which keeps a null;
 *   <li>the founder: 1 + its place among the identifiers, or 0 followed by the text;
 *   <li>when events were seen: first and last seen, the event count;
 *   <li>the counts by type and by event, the identify traits, the trait states, the trait values,
 *       the audiences: each a map as its size, then per entry the key and the value; a map that
 *       holds a null value says so in a byte before its entries, which then each carry a presence
 *       byte;
 *   <li>the optional parts the flags name.
 * </ol>
 *
 * Numbers are zig-zag varints ({@link Varints}). Releases up to 0.1 stored profiles with the POJO
 * serializer; their savepoints restore through Flink's state migration (the snapshot answers
 * "compatible after migration" to a POJO snapshot, and RocksDB rewrites each profile as it
 * restores). A field added later is written in a new format, and this one still read.
 */
public final class ProfileStateSerializer extends CompactSerializer<ProfileState> {
    private static final long serialVersionUID = 1L;

    public static final ProfileStateSerializer INSTANCE = new ProfileStateSerializer();

    static final int FORMAT = 1;

    private static final int SEEN = 1;
    private static final int WAKE = 1 << 1;
    private static final int CONSENT = 1 << 2;
    private static final int POSITIONS = 1 << 3;
    private static final int FLOORS = 1 << 4;
    private static final int DERIVED_ID = 1 << 5;
    private static final int VALUES_AT = 1 << 6;
    private static final int SHORT_ID = 1 << 7;

    /** Writes one kind of map value. */
    private interface Writer<V> {
        void write(V value, DataOutputView out) throws IOException;
    }

    /** Reads one kind of map value. */
    private interface Reader<V> {
        V read(DataInputView in) throws IOException;
    }

    @Override
    public ProfileState createInstance() {
        return new ProfileState();
    }

    @Override
    protected ProfileState copyOf(ProfileState from) {
        return from.deepCopy();
    }

    @Override
    protected void write(ProfileState p, DataOutputView out) throws IOException {
        boolean seen =
                p.eventCount != 0 || p.firstSeen != Long.MAX_VALUE || p.lastSeen != Long.MIN_VALUE;
        int flags =
                (seen ? SEEN : 0)
                        | (p.wakeAt != Long.MAX_VALUE ? WAKE : 0)
                        | (p.consent != null ? CONSENT : 0)
                        | (p.orderPositions != null ? POSITIONS : 0)
                        | (p.orderFloors != null ? FLOORS : 0)
                        | (p.valuesAt != Long.MIN_VALUE ? VALUES_AT : 0);
        byte[] shortDigest = ProfileIdForm.shortDigestOf(p.id);
        byte[] digest = shortDigest == null ? ProfileIdForm.digestOf(p.id, p.createdAt) : null;
        flags |= shortDigest != null ? SHORT_ID : digest != null ? DERIVED_ID : 0;
        out.writeByte(FORMAT);
        out.writeByte(flags);
        Varints.writeLong(p.createdAt, out);
        if (shortDigest != null) {
            ProfileIdForm.writeShort(shortDigest, out);
        } else {
            ProfileIdForm.write(p.id, digest, out);
        }
        List<String> identifiers = p.identifiers == null ? List.of() : p.identifiers;
        Varints.writeLong(identifiers.size(), out);
        for (String identifier : identifiers) {
            writeIdentifier(identifier, out);
        }
        int founder = p.founder == null ? -1 : identifiers.indexOf(p.founder);
        Varints.writeLong(founder + 1, out);
        if (founder < 0) {
            StringValue.writeString(p.founder, out);
        }
        if (seen) {
            Varints.writeLong(p.firstSeen, out);
            Varints.writeLong(p.lastSeen, out);
            Varints.writeLong(p.eventCount, out);
        }
        writeMap(p.countsByType, Varints::writeLong, out);
        writeMap(p.countsByEvent, Varints::writeLong, out);
        writeMap(p.traits, ProfileStateSerializer::writeTrait, out);
        writeMap(p.traitStates, TraitStateSerializer.INSTANCE::serialize, out);
        writeMap(p.traitValues, StringValue::writeString, out);
        writeMap(p.audiences, Varints::writeLong, out);
        if (p.wakeAt != Long.MAX_VALUE) {
            Varints.writeLong(p.wakeAt, out);
        }
        if (p.consent != null) {
            writeTrait(p.consent, out);
        }
        if (p.orderPositions != null) {
            writeMap(p.orderPositions, Varints::writeLong, out);
        }
        if (p.orderFloors != null) {
            writeMap(p.orderFloors, Varints::writeLong, out);
        }
        if (p.valuesAt != Long.MIN_VALUE) {
            Varints.writeLong(p.valuesAt, out);
        }
    }

    @Override
    protected ProfileState read(DataInputView in) throws IOException {
        int format = in.readUnsignedByte();
        if (format != FORMAT) {
            throw new IOException(
                    "a stored profile in format "
                            + format
                            + ", which this release does not know (it reads "
                            + FORMAT
                            + "): the state is corrupt or was written by a later release");
        }
        int flags = in.readUnsignedByte();
        ProfileState p = new ProfileState();
        p.createdAt = Varints.readLong(in);
        p.id =
                (flags & SHORT_ID) != 0
                        ? ProfileIdForm.readShort(in)
                        : ProfileIdForm.read((flags & DERIVED_ID) != 0, p.createdAt, in);
        int identifiers = size(in);
        p.identifiers = new ArrayList<>(identifiers);
        for (int i = 0; i < identifiers; i++) {
            p.identifiers.add(readIdentifier(in));
        }
        int founder = size(in) - 1;
        if (founder >= identifiers) {
            throw new IOException(
                    "a stored profile's founder is out of range: the state is corrupt");
        }
        p.founder = founder < 0 ? StringValue.readString(in) : p.identifiers.get(founder);
        if ((flags & SEEN) != 0) {
            p.firstSeen = Varints.readLong(in);
            p.lastSeen = Varints.readLong(in);
            p.eventCount = Varints.readLong(in);
        }
        p.countsByType = readMap(Varints::readLong, in);
        p.countsByEvent = readMap(Varints::readLong, in);
        p.traits = readMap(ProfileStateSerializer::readTrait, in);
        p.traitStates = readMap(TraitStateSerializer.INSTANCE::deserialize, in);
        p.traitValues = readMap(StringValue::readString, in);
        p.audiences = readMap(Varints::readLong, in);
        if ((flags & WAKE) != 0) {
            p.wakeAt = Varints.readLong(in);
        }
        if ((flags & CONSENT) != 0) {
            p.consent = readTrait(in);
        }
        if ((flags & POSITIONS) != 0) {
            p.orderPositions = readMap(Varints::readLong, in);
        }
        if ((flags & FLOORS) != 0) {
            p.orderFloors = readMap(Varints::readLong, in);
        }
        if ((flags & VALUES_AT) != 0) {
            p.valuesAt = Varints.readLong(in);
        }
        return p;
    }

    private static <V> void writeMap(Map<String, V> map, Writer<V> values, DataOutputView out)
            throws IOException {
        if (map == null || map.isEmpty()) {
            // (a missing map reads back empty, as a new profile has it)
            out.writeByte(0);
            return;
        }
        Varints.writeLong(map.size(), out);
        boolean nulls = false;
        for (V value : map.values()) {
            nulls |= value == null;
        }
        out.writeBoolean(nulls);
        for (Map.Entry<String, V> entry : map.entrySet()) {
            StringValue.writeString(entry.getKey(), out);
            if (nulls) {
                out.writeBoolean(entry.getValue() != null);
            }
            if (entry.getValue() != null) {
                values.write(entry.getValue(), out);
            }
        }
    }

    private static <V> Map<String, V> readMap(Reader<V> values, DataInputView in)
            throws IOException {
        int size = size(in);
        Map<String, V> map = new TreeMap<>();
        if (size == 0) {
            return map;
        }
        boolean nulls = in.readBoolean();
        for (int i = 0; i < size; i++) {
            String key = StringValue.readString(in);
            boolean present = !nulls || in.readBoolean();
            map.put(key, present ? values.read(in) : null);
        }
        if (map.size() != size) {
            throw new IOException("a stored profile's map repeats a key: the state is corrupt");
        }
        return map;
    }

    /** A {@code type:value} key, a built-in type as its number in {@link IdentifierTypes}. */
    private static void writeIdentifier(String key, DataOutputView out) throws IOException {
        if (key != null) {
            for (int i = 0; i < IdentifierTypes.BY_PRIORITY.size(); i++) {
                String type = IdentifierTypes.BY_PRIORITY.get(i);
                if (key.length() > type.length()
                        && key.charAt(type.length()) == ':'
                        && key.startsWith(type)) {
                    Varints.writeLong(i + 1, out);
                    StringValue.writeString(key.substring(type.length() + 1), out);
                    return;
                }
            }
        }
        Varints.writeLong(0, out);
        StringValue.writeString(key, out);
    }

    private static String readIdentifier(DataInputView in) throws IOException {
        long type = Varints.readLong(in);
        if (type < 0 || type > IdentifierTypes.BY_PRIORITY.size()) {
            throw new IOException(
                    "a stored identifier of type number " + type + ": the state is corrupt");
        }
        String value = StringValue.readString(in);
        return type == 0 ? value : IdentifierTypes.BY_PRIORITY.get((int) type - 1) + ":" + value;
    }

    private static int size(DataInputView in) throws IOException {
        long size = Varints.readLong(in);
        if (size < 0 || size > Integer.MAX_VALUE) {
            throw new IOException(
                    "a stored profile holds " + size + " items: the state is corrupt");
        }
        return (int) size;
    }

    private static void writeTrait(TraitValue value, DataOutputView out) throws IOException {
        StringValue.writeString(value.json, out);
        Varints.writeLong(value.eventTime, out);
        StringValue.writeString(value.messageId, out);
    }

    private static TraitValue readTrait(DataInputView in) throws IOException {
        String json = StringValue.readString(in);
        long eventTime = Varints.readLong(in);
        return new TraitValue(json, eventTime, StringValue.readString(in));
    }

    @Override
    public TypeSerializerSnapshot<ProfileState> snapshotConfiguration() {
        return new Snapshot();
    }

    /** The serializer's snapshot; it has no configuration. Part of the savepoint format. */
    public static final class Snapshot extends MigratesFromPojo<ProfileState> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /**
     * The factory the annotation on {@link ProfileState} names: wherever the type appears, Flink
     * uses this serializer.
     */
    public static final class TypeFactory extends TypeInfoFactory<ProfileState> {
        @Override
        public TypeInformation<ProfileState> createTypeInfo(
                Type type, Map<String, TypeInformation<?>> genericParameters) {
            return new CompactTypeInfo<>(ProfileState.class, INSTANCE);
        }
    }
}
