package io.tessera.identity.distributed;

import io.tessera.identity.IdentityRules;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Directory actor, keyed by identifier: its cluster in keyed state. Identifiers of expiring
 * types (anonymous ids, device ids) keep theirs in a second state with a time-to-live renewed
 * whenever they are seen: one not seen for the TTL starts a new profile when it comes back.
 */
final class DirectoryFunction extends KeyedProcessFunction<String, Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String CLUSTER = "directory-cluster";

    static final String EXPIRING_CLUSTER = "directory-cluster-expiring";

    static final String ERASURE_MARKS = "directory-erasure-marks";

    static final String REJECTIONS = "directory-rejections";

    static final String JOINING = "directory-joining";

    static final String UNPLACED = "directory-unplaced";

    static final String HELD = "directory-held";

    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private final IdentityRules rules;
    private final Duration expiringTtl;
    private transient ValueState<ClusterId> cluster;
    private transient ValueState<ClusterId> expiringCluster;

    /** {forgottenSince, foundAfter} of {@link DirectoryActor.Entry}, once a delete touched it. */
    private transient ValueState<long[]> marks;

    private transient Counter unknownErases;
    private transient ValueState<Integer> rejections;

    /** {@link DirectoryActor.Entry#joining}: set while the identifier's founding merge is on. */
    private transient ValueState<String> joining;

    private transient Counter quarantined;

    /**
     * {@link DirectoryActor.Entry#unplaced}: set while an event places its new identifier; read
     * only when the identifier has no cluster.
     */
    private transient ValueState<ClusterId> unplaced;

    /** What reached an unplaced identifier, as the records it came in, in its order. */
    private transient ListState<byte[]> held;

    private transient Counter heldMessages;

    DirectoryFunction(
            LoopCodec<CustomerEvent, ProfileState> codec,
            IdentityRules rules,
            Duration expiringTtl) {
        this.codec = codec;
        this.rules = rules;
        this.expiringTtl = expiringTtl;
    }

    @Override
    public void open(OpenContext openContext) {
        cluster =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        CLUSTER, TypeInformation.of(ClusterId.class)));
        ValueStateDescriptor<ClusterId> expiring =
                new ValueStateDescriptor<>(EXPIRING_CLUSTER, TypeInformation.of(ClusterId.class));
        expiring.enableTimeToLive(
                StateTtlConfig.newBuilder(expiringTtl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite)
                        .build());
        expiringCluster = getRuntimeContext().getState(expiring);
        marks =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        ERASURE_MARKS,
                                        PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        rejections =
                getRuntimeContext().getState(new ValueStateDescriptor<>(REJECTIONS, Types.INT));
        joining = getRuntimeContext().getState(new ValueStateDescriptor<>(JOINING, Types.STRING));
        quarantined =
                getRuntimeContext().getMetricGroup().addGroup("identity").counter("quarantined");
        unplaced =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        UNPLACED, TypeInformation.of(ClusterId.class)));
        held =
                getRuntimeContext()
                        .getListState(
                                new ListStateDescriptor<>(
                                        HELD,
                                        PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
        heldMessages =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("identity")
                        .counter("heldForPlacement");
        unknownErases =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("identity")
                        .counter("deletesOfUnknownIdentifiers");
    }

    @Override
    public void processElement(Routed routed, Context ctx, Collector<Routed> out) throws Exception {
        String identifier = ctx.getCurrentKey();
        ValueState<ClusterId> state =
                rules.type(MergeRules.typeOf(identifier)).expiring() ? expiringCluster : cluster;
        Message<CustomerEvent, ProfileState> message = codec.decode(routed.record).message();
        ClusterId before = state.value();
        // An identifier with a cluster is placed: only one without reads whether it waits.
        ClusterId waiting = before == null ? unplaced.value() : null;
        DirectoryActor.Entry unplacedEntry =
                waiting == null ? null : DirectoryActor.Entry.NONE.unplaced(waiting, List.of());
        if (unplacedEntry != null && DirectoryActor.holds(unplacedEntry, message)) {
            // a Gather's probe is answered at once that the identifier is being placed
            boolean answers =
                    message instanceof Message.Probe<CustomerEvent, ProfileState> probe
                            && probe.payload() == null;
            DirectoryActor.handle(
                    identifier,
                    answers ? unplacedEntry.joining(joining.value()) : unplacedEntry,
                    message,
                    rules.quarantineAfter(),
                    new CollectingOutbox<>(codec, out));
            held.add(routed.record);
            heldMessages.inc();
            return;
        }
        // Placing the identifier handles what it held: every part of its state is read.
        boolean places =
                waiting != null
                        && (message instanceof Message.Repoint<CustomerEvent, ProfileState>
                                || message instanceof Message.Forget<CustomerEvent, ProfileState>);
        // Only repoints, forgets and foundings read the marks (no state read more per probe).
        boolean readsMarks =
                places
                        || message instanceof Message.Repoint<CustomerEvent, ProfileState>
                        || message instanceof Message.Forget<CustomerEvent, ProfileState>
                        || (before == null
                                && message instanceof Message.Probe<CustomerEvent, ProfileState>);
        long[] was = readsMarks ? marks.value() : null;
        if (message instanceof Message.Erase<CustomerEvent, ProfileState> && before == null) {
            unknownErases.inc();
        }
        // Only a Gather's probe (an event that links) and a blame read the rejections.
        boolean readsRejections =
                places
                        || message instanceof Message.Blame<CustomerEvent, ProfileState>
                        || (message instanceof Message.Probe<CustomerEvent, ProfileState> probe
                                && probe.payload() == null);
        Integer blamed = readsRejections ? rejections.value() : null;
        // A founding, repoint or forget may end it; a Gather's probe reads it only where it is
        // answered.
        boolean readsJoining =
                message instanceof Message.Probe<CustomerEvent, ProfileState> probe
                        ? before == null || DirectoryActor.answersJoining(identifier, before, probe)
                        : message instanceof Message.Repoint<CustomerEvent, ProfileState>
                                || message instanceof Message.Forget<CustomerEvent, ProfileState>;
        String joins = readsJoining ? joining.value() : null;
        DirectoryActor.Entry entry =
                (was == null
                                ? DirectoryActor.Entry.NONE.with(before)
                                : new DirectoryActor.Entry(before, was[0], was[1], 0))
                        .joining(joins);
        if (waiting != null) {
            List<Message<?, ?>> waited = new ArrayList<>();
            if (places) {
                for (byte[] record : held.get()) {
                    waited.add(codec.decode(record).message());
                }
            }
            entry = entry.unplaced(waiting, List.copyOf(waited));
        }
        DirectoryActor.Entry after =
                DirectoryActor.handle(
                        identifier,
                        entry.withRejections(blamed == null ? 0 : blamed),
                        message,
                        rules.quarantineAfter(),
                        new CollectingOutbox<>(codec, out));
        if (places) {
            held.clear();
        }
        if (after.unplaced() == null) {
            if (waiting != null) {
                unplaced.clear();
            }
        } else if (!after.unplaced().equals(waiting) || places) {
            // unplaced by this probe, or again by a probe it held
            unplaced.update(after.unplaced());
            Address here = Address.directory(identifier);
            for (Message<?, ?> waited : after.held()) {
                held.add(codec.encode(here, cast(waited)));
            }
        }
        if (message instanceof Message.Blame<CustomerEvent, ProfileState>) {
            rejections.update(after.rejections());
            if (after.rejections() == rules.quarantineAfter()) {
                quarantined.inc();
            }
        }
        if (after.joining() != null && !after.joining().equals(joins)) {
            joining.update(after.joining());
        } else if (after.joining() == null && joins != null) {
            joining.clear();
        }
        if (after.cluster() != null) {
            state.update(after.cluster());
        } else if (before != null) {
            state.clear(); // forgotten: the identifier's cluster was erased
        }
        boolean marked = after.forgottenSince() != Long.MAX_VALUE;
        if (marked
                && (was == null
                        || was[0] != after.forgottenSince()
                        || was[1] != after.foundAfter())) {
            marks.update(new long[] {after.forgottenSince(), after.foundAfter()});
        }
    }

    @SuppressWarnings("unchecked")
    private static Message<CustomerEvent, ProfileState> cast(Message<?, ?> message) {
        return (Message<CustomerEvent, ProfileState>) message;
    }
}
