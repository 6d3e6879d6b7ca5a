package io.tessera.identity.distributed;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentityOutputs;
import io.tessera.identity.IdentityRules;
import io.tessera.identity.ProfileMerged;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.RejectedLink;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.SingleModeIdentityFunction;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.BroadcastTimers;
import io.tessera.profile.DefinitionsInForce;
import io.tessera.profile.ProfileComputer;
import io.tessera.profile.ProfileSettings;
import io.tessera.profile.ScheduledUpdate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.SerializableFunction;

/**
 * The Cluster actor, keyed by cluster id: a profile's members and state, merges and refusals, and
 * the profile stage as in single mode (traits, rule audiences, wake-ups). What it sends goes to the
 * loop topic (its main output); the resolved events, profile snapshots, merges, refused links and
 * audience transitions go to side outputs, as single mode emits them.
 *
 * <p>Definitions arrive on the broadcast input (the control topic), as in single mode. Each cluster
 * keeps one event-time timer per wake-up time; a timer whose profile has moved on or merged away
 * does nothing.
 */
final class ClusterFunction
        extends KeyedBroadcastProcessFunction<String, Routed, DefinitionUpdate, Routed>
        implements BroadcastTimers<String>, CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String CLUSTER = "cluster-state";

    /**
     * State name; part of the savepoint format: the form of the profile ids the job gives ({@link
     * #SHORT_IDS}), in each subtask's operator state. A job started without a savepoint gives the
     * short form; one restored from a savepoint without this state (releases before 2026-12-05)
     * keeps giving the timed form, since a cluster's profile id is derived from its id whenever it
     * is needed, and must stay what it was.
     */
    static final String PROFILE_ID_FORM = "profile-id-form";

    static final String SHORT_IDS = "short";
    static final String TIMED_IDS = "timed";

    /** The events credited to a profile. */
    static final OutputTag<ResolvedEvent> RESOLVED = new OutputTag<>("resolved-events") {};

    /**
     * The time of each event that left the protocol without a resolved event (erased in flight),
     * for {@link InFlightWatermarks}.
     */
    static final OutputTag<Long> LEFT_UNRESOLVED = new OutputTag<>("identity-events-dropped") {};

    /**
     * Where each step's count of what it settled goes, in the main output ahead of the loop ({@link
     * ProgressCounters.IntoLoop} takes it, sums a subtask's counts and sends them on): an event
     * credited or dropped here leaves the protocol (-1); an event held for its order counts as
     * settled while it is held here (-1 when held, +1 when it leaves the hold, credited or passed
     * on), since this cluster's own event time releases it. In the main output rather than a side
     * output, so the loop's stamps and writer stay chained to the Cluster.
     */
    static final Address SETTLED = new Address(Actor.PROGRESS, "step");

    private final MergeRules rules;
    private final IdentityRules identityRules;
    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private final ProfileSettings settings;

    /** How many clusters' profile ids a subtask remembers. */
    private static final int PROFILE_IDS_KEPT = 10_000;

    private transient ValueState<ClusterRecord> state;
    private transient ProfileStateOps ops;
    private transient ClusterActor<CustomerEvent, ProfileState> actor;
    private transient DefinitionsInForce definitions;
    private transient Counter transitions;
    private transient Counter rejectedDefinitions;
    private transient Counter deletions;
    private transient Counter droppedEvents;
    // the same metrics as single mode's, so dashboards read alike in both modes
    private transient Counter created;
    private transient Counter merges;
    private transient Counter rejectedLinks;
    private transient Counter heldForOrder;
    private transient Counter releasedByEventTime;
    private transient Counter heldForFounder;
    private transient Counter routedAgain;
    private transient Map<ClusterId, String> profileIds;
    private transient ListState<String> profileIdForm;
    private transient boolean timedIds;

    /** A cluster's profile id in the form this job gives ({@link #PROFILE_ID_FORM}). */
    private transient SerializableFunction<ClusterId, String> idOf;

    private transient LoopProgress.Buffer settled;

    /** Wake-up timers a definition change asked for, by cluster, for the operator to register. */
    private transient List<Map.Entry<String, Long>> timerRequests;

    ClusterFunction(
            MergeRules rules,
            IdentityRules identityRules,
            LoopCodec<CustomerEvent, ProfileState> codec,
            ProfileSettings profile) {
        this.rules = rules;
        this.identityRules = identityRules;
        this.codec = codec;
        this.settings = profile;
    }

    static ValueStateDescriptor<ClusterRecord> descriptor() {
        return new ValueStateDescriptor<>(CLUSTER, TypeInformation.of(ClusterRecord.class));
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(descriptor());
        ops = new ProfileStateOps(settings.horizon(), idOf);
        timerRequests = new ArrayList<>();
        settled = new LoopProgress.Buffer(false);
        actor = new ClusterActor<>(rules, ops);
        definitions = new DefinitionsInForce(settings);
        profileIds =
                new LinkedHashMap<>(PROFILE_IDS_KEPT, 0.75f, true) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<ClusterId, String> eldest) {
                        return size() > PROFILE_IDS_KEPT;
                    }
                };
        var metrics = getRuntimeContext().getMetricGroup().addGroup("profile");
        transitions = metrics.counter("audienceTransitions");
        rejectedDefinitions = metrics.counter("rejectedDefinitions");
        deletions =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("identity")
                        .counter("profilesDeleted");
        droppedEvents =
                getRuntimeContext()
                        .getMetricGroup()
                        .addGroup("identity")
                        .counter("eventsErasedInFlight");
        var identity = getRuntimeContext().getMetricGroup().addGroup("identity");
        created = identity.counter("profilesCreated");
        merges = identity.counter("merges");
        rejectedLinks = identity.counter("rejectedLinks");
        heldForOrder = identity.counter("eventsHeldForOrder");
        releasedByEventTime = identity.counter("eventsReleasedByEventTime");
        heldForFounder = identity.counter("heldForFoundingEvent");
        routedAgain = identity.counter("eventsRoutedAgain");
    }

    @Override
    public void processElement(Routed routed, ReadOnlyContext ctx, Collector<Routed> out)
            throws Exception {
        Message<CustomerEvent, ProfileState> message = codec.decode(routed.record).message();
        step(ctx, out, (self, s, outbox) -> actor.handle(self, s, message, outbox));
    }

    /** What one step of a cluster does to its state. */
    @FunctionalInterface
    private interface Action {
        ClusterState<CustomerEvent, ProfileState> apply(
                ClusterId self,
                ClusterState<CustomerEvent, ProfileState> s,
                Outbox<CustomerEvent, ProfileState> out);
    }

    /**
     * One step of the cluster under the context's key: the action on its state, then what it
     * credited, changed and sent, out.
     */
    private void step(ReadOnlyContext ctx, Collector<Routed> out, Action action) throws Exception {
        ClusterId self = ClusterId.parse(ctx.getCurrentKey());
        ClusterRecord before = state.value();
        // (the record is written after the wake-ups due are caught up, below)
        ClusterState<CustomerEvent, ProfileState> s = before == null ? null : before.state(codec);
        int absorbedBefore = s == null ? 0 : s.absorbed.size();
        long at = ctx.timestamp() == null ? Long.MIN_VALUE : ctx.timestamp();
        // The time of the event behind the message: a loop record keeps it. The watermark may be
        // far ahead by the time a merge crosses the loop (at the end of a bounded input, at MAX).
        long now = at == Long.MIN_VALUE ? ctx.timerService().currentWatermark() : at;
        ProfileComputer computer =
                definitions.at(
                        ctx.getBroadcastState(SingleModeIdentityFunction.DEFINITIONS)
                                .immutableEntries(),
                        now);
        Outbox<CustomerEvent, ProfileState> outbox =
                new Outbox<>() {
                    @Override
                    public void send(Address to, Message<CustomerEvent, ProfileState> message) {
                        out.collect(new Routed(to, codec.encode(to, message)));
                    }

                    @Override
                    public void merged(ClusterId loser, ClusterId winner, long linkedAt) {
                        merges.inc();
                        String loserId = profileId(loser);
                        ctx.output(
                                IdentityOutputs.MERGES,
                                new ProfileMerged(
                                        loserId,
                                        profileId(winner),
                                        linkedAt == Message.UNKNOWN_TIME ? at : linkedAt,
                                        "link",
                                        null));
                        ctx.output(
                                IdentityOutputs.PROFILES,
                                new ProfileUpdate(loserId, null, profileId(winner)));
                    }

                    @Override
                    public void rejected(
                            ClusterId loser, ClusterId winner, String rule, String detail) {
                        rejectedLinks.inc();
                        Identifier founder = TenantKeys.identifier(loser.founder());
                        ctx.output(
                                IdentityOutputs.REJECTED_LINKS,
                                new RejectedLink(
                                        at,
                                        null,
                                        profileId(winner),
                                        profileId(loser),
                                        founder.type(),
                                        founder.value(),
                                        rule,
                                        detail,
                                        loser.founder(),
                                        false));
                    }

                    @Override
                    public void erased(
                            ClusterId cluster, ProfileState profile, CustomerEvent delete) {
                        String id = profileId(cluster);
                        deletions.inc();
                        emit(computer.exitAll(profile, "event", now), ctx::output);
                        ctx.output(IdentityOutputs.PROFILES, new ProfileUpdate(id, null, null));
                        // Later stages see the delete too: activation clears the attributes.
                        ctx.output(RESOLVED, new ResolvedEvent(id, delete));
                    }

                    @Override
                    public void dropped(CustomerEvent event) {
                        droppedEvents.inc();
                        if (ProgressCounters.counts(event)) {
                            ctx.output(LEFT_UNRESOLVED, event.eventTime());
                            settled.add(event.eventTime(), -1);
                        }
                    }

                    @Override
                    public void resend(String eventId, CustomerEvent event) {
                        routedAgain.inc();
                        // through a Gather this time: it decides where the event goes
                        RouteFunction.route(eventId, event, identityRules, false, false, this);
                    }
                };
        List<AudienceTransition> dueBefore =
                s == null || s.tombstone || s.onOffer()
                        ? List.of()
                        : computer.wakeUntil(s.state, Math.min(now, settings.horizon()));
        emit(dueBefore, ctx::output);
        // what the cluster holds for its order before the step, to count what left or joined it
        Map<Long, Integer> heldTimes =
                s == null || s.held.isEmpty() ? null : countHeld(s, new java.util.TreeMap<>(), 1);
        int heldBefore = s == null ? 0 : s.held.size();
        int earlyBefore = s == null ? 0 : s.early.size();
        ops.begin(computer, now, ctx.timerService().currentWatermark());
        s = action.apply(self, s, outbox);
        if (s.held.size() > heldBefore) {
            heldForOrder.inc(s.held.size() - heldBefore);
            // released when event time passes them, if what they wait for never comes
            for (Message.Contribute<CustomerEvent, ProfileState> held : s.held) {
                ctx.timerService().registerEventTimeTimer(held.payload().eventTime());
            }
        }
        if (s.early.size() > earlyBefore) {
            heldForFounder.inc(s.early.size() - earlyBefore);
        }
        if (before == null && s.awaitingFounder) {
            // should the founding event never come here, event time passing it settles the cluster
            ctx.timerService().registerEventTimeTimer(self.createdAt());
        }
        if (before == null && !s.tombstone && s.state != null) {
            created.inc();
        }
        ProfileStateOps.Step step = ops.end(s.tombstone ? null : s.state);
        store(state, ClusterRecord.of(self, s, codec));
        emit(step.transitions, ctx::output);
        String profileId = profileId(self);
        // Every event credited here goes on under this profile, also when the step ends on offer
        // or merged away (a founding event let the events held for it in, then a held link put
        // the cluster on offer): its state, with the event, goes to the winner, and as in single
        // mode a later merge does not move an event already resolved.
        for (CustomerEvent event : step.credited) {
            ctx.output(RESOLVED, new ResolvedEvent(profileId, event));
            if (ProgressCounters.counts(event)) {
                settled.add(event.eventTime(), -1);
            }
        }
        if (heldTimes != null || !s.held.isEmpty()) {
            countHeld(s, heldTimes == null ? new java.util.TreeMap<>() : heldTimes, -1)
                    .forEach(
                            (time, delta) -> {
                                if (delta != 0) {
                                    settled.add(time, delta);
                                }
                            });
        }
        if (!settled.isEmpty()) {
            out.collect(new Routed(SETTLED, settled.take().toRecord()));
        }
        if (s.tombstone || s.onOffer()) {
            // (on offer, the winner may hold the profile already: it wakes and shows it, and a
            // snapshot from here could land after the merge's tombstone)
            return;
        }
        List<AudienceTransition> due =
                computer.wakeUntil(
                        s.state,
                        Math.min(ctx.timerService().currentWatermark(), settings.horizon()));
        if (!due.isEmpty()) {
            store(state, ClusterRecord.of(self, s, codec));
        }
        emit(due, ctx::output);
        if (!step.credited.isEmpty()
                || s.absorbed.size() > absorbedBefore
                || !step.transitions.isEmpty()
                || !dueBefore.isEmpty()
                || !due.isEmpty()) {
            emitSnapshot(profileId, s.state, s.members, computer, ctx::output);
        }
        if (before == null) {
            // Scheduled updates re-evaluate every profile when their time comes.
            for (ScheduledUpdate update : definitions.scheduled()) {
                ctx.timerService().registerEventTimeTimer(update.at());
            }
        }
        scheduleWakeUp(s.state, ctx);
    }

    /** Adds {@code delta} at the time of each event the cluster holds for its order. */
    private static Map<Long, Integer> countHeld(
            ClusterState<CustomerEvent, ProfileState> s, Map<Long, Integer> times, int delta) {
        for (Message.Contribute<CustomerEvent, ProfileState> held : s.held) {
            if (ProgressCounters.counts(held.payload())) {
                times.merge(held.payload().eventTime(), delta, Integer::sum);
            }
        }
        return times;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<Routed> out)
            throws Exception {
        ClusterRecord record = state.value();
        if (record != null
                && record.awaitingFounder
                && timestamp >= ClusterId.parse(ctx.getCurrentKey()).createdAt()) {
            step(ctx, out, (self, s, outbox) -> actor.settleBy(self, s, timestamp, outbox));
            record = state.value();
        }
        if (record != null && record.held != null && !record.held.isEmpty()) {
            step(
                    ctx,
                    out,
                    (self, s, outbox) -> {
                        int held = s.held.size();
                        ClusterState<CustomerEvent, ProfileState> after =
                                actor.release(self, s, timestamp);
                        releasedByEventTime.inc(held - after.held.size());
                        return after;
                    });
            record = state.value();
        }
        if (record == null
                || record.tombstone
                || (record.lockedOn != null && record.offered)
                || timestamp > settings.horizon()) {
            return;
        }
        ProfileState p = record.state;
        ProfileComputer computer =
                definitions.at(
                        ctx.getBroadcastState(SingleModeIdentityFunction.DEFINITIONS)
                                .immutableEntries(),
                        timestamp);
        List<AudienceTransition> changes;
        if (definitions.scheduledAt(timestamp)) {
            changes = computer.onDefinitionChange(p, timestamp);
        } else if (p.wakeAt == timestamp) {
            changes = computer.onWake(p, timestamp);
        } else {
            return; // the profile has moved on since the timer was set
        }
        store(state, record);
        emitSnapshot(p.id, p, record.members, computer, ctx::output);
        emit(changes, ctx::output);
        scheduleWakeUp(p, ctx);
    }

    @Override
    public void processBroadcastElement(DefinitionUpdate update, Context ctx, Collector<Routed> out)
            throws Exception {
        BroadcastState<String, String> accepted =
                ctx.getBroadcastState(SingleModeIdentityFunction.DEFINITIONS);
        DefinitionsInForce.Accepted result = definitions.accept(update, accepted);
        if (result.refusal() != null) {
            rejectedDefinitions.inc();
            ctx.output(IdentityOutputs.REJECTED_DEFINITIONS, result.refusal());
            return;
        }
        if (!result.changed()) {
            return;
        }
        long watermark = ctx.currentWatermark();
        ProfileComputer changed = definitions.at(accepted.immutableEntries(), watermark);
        ctx.applyToKeyedState(
                descriptor(),
                (cluster, clusterState) -> {
                    ClusterRecord record = clusterState.value();
                    if (record == null || record.tombstone) {
                        return;
                    }
                    ProfileState p = record.state;
                    List<AudienceTransition> changes =
                            changed.onDefinitionChange(p, Math.max(watermark, p.lastSeen));
                    store(clusterState, record);
                    emitSnapshot(p.id, p, record.members, changed, ctx::output);
                    emit(changes, ctx::output);
                    if (p.wakeAt != Long.MAX_VALUE && p.wakeAt <= settings.horizon()) {
                        timerRequests.add(Map.entry(cluster, p.wakeAt));
                    }
                });
    }

    @Override
    public List<Map.Entry<String, Long>> takeTimerRequests() {
        List<Map.Entry<String, Long>> taken = timerRequests;
        timerRequests = new ArrayList<>();
        return taken;
    }

    /** The side outputs of any of the function's contexts. */
    @FunctionalInterface
    private interface Side {
        <X> void output(OutputTag<X> tag, X value);
    }

    /** Writes a cluster's record, its profile without the trait values (they are derived). */
    private static void store(ValueState<ClusterRecord> state, ClusterRecord record)
            throws Exception {
        if (record.state == null) {
            state.update(record);
        } else {
            record.state.storedWithoutValues(() -> state.update(record));
        }
    }

    /** The profile as it is now, with the cluster's members as its identifiers. */
    private static void emitSnapshot(
            String profileId,
            ProfileState profile,
            java.util.Collection<String> members,
            ProfileComputer computer,
            Side ctx) {
        ProfileState snapshot = computer.snapshot(profile);
        snapshot.identifiers = new ArrayList<>();
        members.forEach(member -> snapshot.identifiers.add(TenantKeys.plain(member)));
        ctx.output(IdentityOutputs.PROFILES, new ProfileUpdate(profileId, snapshot, null));
    }

    private void emit(List<AudienceTransition> changes, Side ctx) {
        for (AudienceTransition change : changes) {
            transitions.inc();
            ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
        }
    }

    /** One timer per wake-up time; a wake-up past the horizon never comes. */
    private void scheduleWakeUp(ProfileState profile, ReadOnlyContext ctx) {
        if (profile.wakeAt != Long.MAX_VALUE && profile.wakeAt <= settings.horizon()) {
            ctx.timerService().registerEventTimeTimer(profile.wakeAt);
        }
    }

    /** A cluster's profile id (a SHA-256 digest), remembered for the clusters seen lately. */
    private String profileId(ClusterId id) {
        return profileIds.computeIfAbsent(id, idOf);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        profileIdForm =
                context.getOperatorStateStore()
                        .getUnionListState(
                                new ListStateDescriptor<>(PROFILE_ID_FORM, Types.STRING));
        timedIds = givesTimedIds(context.isRestored(), profileIdForm.get());
        idOf = timedIds ? TenantKeys::timedProfileId : TenantKeys::profileId;
    }

    /** Whether a job restored (or not) with these forms in its state gives timed profile ids. */
    static boolean givesTimedIds(boolean restored, Iterable<String> forms) {
        if (!restored) {
            return false;
        }
        for (String form : forms) {
            if (form.equals(SHORT_IDS)) {
                return false;
            }
            if (!form.equals(TIMED_IDS)) {
                throw new IllegalStateException(
                        "a savepoint names a form of profile ids this release does not know: "
                                + form);
            }
        }
        return true;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        profileIdForm.update(List.of(timedIds ? TIMED_IDS : SHORT_IDS));
    }
}
