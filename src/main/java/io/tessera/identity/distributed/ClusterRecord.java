package io.tessera.identity.distributed;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * A cluster as Flink keeps it in state: {@link ClusterState} with cluster ids as their text and
 * buffered messages as loop records, in a compact form ({@link ClusterRecordSerializer}; releases
 * up to 0.1 kept it in POJO form).
 */
@TypeInfo(ClusterRecordSerializer.TypeFactory.class)
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
        ClusterRecord r = new ClusterRecord();
        Address here = Address.cluster(self);
        r.tombstone = s.tombstone;
        r.forward = s.forward == null ? null : s.forward.toString();
        r.members = new ArrayList<>(s.members);
        r.state = s.state;
        s.absorbed.forEach(id -> r.absorbed.add(id.toString()));
        s.reserved.forEach((id, reservation) -> r.reserved.put(id.toString(), reservation));
        r.lockedOn = s.lockedOn == null ? null : s.lockedOn.toString();
        s.fallbacks.forEach(id -> r.fallbacks.add(id.toString()));
        r.carried = s.carried == null ? null : codec.encode(here, s.carried);
        s.buffer.forEach(message -> r.buffer.add(codec.encode(here, message)));
        s.held.forEach(message -> r.held.add(codec.encode(here, message)));
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
        s.early.forEach(message -> r.early.add(codec.encode(here, message)));
        s.planned.forEach(message -> r.planned.add(codec.encode(here, message)));
        return r;
    }

    /** The cluster's state again. */
    @SuppressWarnings("unchecked")
    public ClusterState<CustomerEvent, ProfileState> state(
            LoopCodec<CustomerEvent, ProfileState> codec) {
        ClusterState<CustomerEvent, ProfileState> s = new ClusterState<>();
        s.tombstone = tombstone;
        s.forward = forward == null ? null : ClusterId.parse(forward);
        s.members = new TreeSet<>(members);
        s.state = state;
        absorbed.forEach(id -> s.absorbed.add(ClusterId.parse(id)));
        reserved.forEach((id, reservation) -> s.reserved.put(ClusterId.parse(id), reservation));
        s.lockedOn = lockedOn == null ? null : ClusterId.parse(lockedOn);
        fallbacks.forEach(id -> s.fallbacks.add(ClusterId.parse(id)));
        s.carried =
                carried == null
                        ? null
                        : (Message.Contribute<CustomerEvent, ProfileState>)
                                codec.decode(carried).message();
        buffer.forEach(record -> s.buffer.add(codec.decode(record).message()));
        if (held != null) {
            held.forEach(
                    record ->
                            s.held.add(
                                    (Message.Contribute<CustomerEvent, ProfileState>)
                                            codec.decode(record).message()));
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
            early.forEach(record -> s.early.add(codec.decode(record).message()));
        }
        if (planned != null) {
            planned.forEach(record -> s.planned.add(codec.decode(record).message()));
        }
        return s;
    }
}
