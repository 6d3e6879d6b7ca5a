package io.tessera.identity;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.BroadcastTimers;
import io.tessera.profile.DefinitionsInForce;
import io.tessera.profile.ProfileComputer;
import io.tessera.profile.ProfileSettings;
import io.tessera.profile.ScheduledUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Identity in {@code single} mode, with the profile stage running inside it: the whole graph of a
 * tenant under the tenant's key, each event resolved synchronously by {@link IdentityGraph}, the
 * credited profile's traits and audiences updated by {@link ProfileComputer} before the profile is
 * written back. Wake-ups: one event-time timer per distinct time, with the profiles due then listed
 * in state; each profile keeps one wake-up, at its next possible change.
 *
 * <p>Definitions arrive on the broadcast input (the control topic) and live in broadcast state; a
 * change re-evaluates every profile of the subtask at once and lists each one's next wake-up, whose
 * timer the operator arms ({@link BroadcastTimers}): a profile that qualifies only later enters at
 * its flip without an event of its own.
 */
public final class SingleModeIdentityFunction
        extends KeyedBroadcastProcessFunction<
                String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
        implements BroadcastTimers<String> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String DURABLE_DIRECTORY = "directory-durable";

    static final String EXPIRING_DIRECTORY = "directory-expiring";
    static final String FORWARDS = "forwards";
    static final String PROFILES = "profiles";
    static final String WAKE_UPS = "wake-ups";
    static final String SCHEDULE_ARMED = "scheduled-updates-armed";

    /** Definitions accepted from the control topic, by {@code <kind>/<id>}: broadcast state. */
    public static final MapStateDescriptor<String, String> DEFINITIONS =
            new MapStateDescriptor<>("definitions", Types.STRING, Types.STRING);

    private final IdentityRules rules;
    private final Duration expiringTtl;
    private final ProfileSettings profile;
    private final long horizon;
    private final List<ScheduledUpdate> scheduled;

    /** The definitions in force, rebuilt from broadcast state after a restore or a change. */
    private transient DefinitionsInForce definitions;

    private transient MapState<String, ProfileState> profiles;
    private transient ValueState<Boolean> scheduleArmed;

    private transient MapStateGraphStore store;
    private transient MapState<Long, List<String>> wakeUps;
    private transient Counter merges;
    private transient Counter rejectedLinks;
    private transient Counter quarantined;
    private transient Counter profilesCreated;
    private transient Counter deletions;
    private transient Counter unknownDeletes;
    private transient Counter transitions;
    private transient Counter rejectedDefinitions;

    /** Wake-up timers a definition change asked for, by tenant, for the operator to register. */
    private transient List<Map.Entry<String, Long>> timerRequests;

    /**
     * @param rules the identity rules
     * @param expiringTtl how long expiring identifiers are kept after last seen
     * @param profile the profile stage's bootstrap definitions and horizon
     */
    public SingleModeIdentityFunction(
            IdentityRules rules, Duration expiringTtl, ProfileSettings profile) {
        this.rules = rules;
        this.expiringTtl = expiringTtl;
        this.profile = profile;
        this.horizon = profile.horizon();
        this.scheduled = profile.scheduled();
    }

    /** The live profiles of a tenant, by id (keyed state; also walked on definition changes). */
    static MapStateDescriptor<String, ProfileState> profilesDescriptor() {
        return new MapStateDescriptor<>(
                PROFILES, Types.STRING, TypeInformation.of(ProfileState.class));
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, DirectoryEntry> expiring =
                new MapStateDescriptor<>(
                        EXPIRING_DIRECTORY, Types.STRING, TypeInformation.of(DirectoryEntry.class));
        // Reads refresh the TTL: an anonymous id stays as long as it keeps being seen. No
        // incremental background cleanup: on the heap backend it would scan the tenant's whole
        // map on every access; expired entries go in compaction (RocksDB) and snapshots.
        expiring.enableTimeToLive(
                StateTtlConfig.newBuilder(expiringTtl)
                        .setUpdateType(StateTtlConfig.UpdateType.OnReadAndWrite)
                        .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                        .disableCleanupInBackground()
                        .cleanupFullSnapshot()
                        .cleanupInRocksdbCompactFilter(1000)
                        .build());
        var state = getRuntimeContext();
        profiles = state.getMapState(profilesDescriptor());
        store =
                new MapStateGraphStore(
                        state.getMapState(
                                new MapStateDescriptor<>(
                                        DURABLE_DIRECTORY,
                                        Types.STRING,
                                        TypeInformation.of(DirectoryEntry.class))),
                        state.getMapState(expiring),
                        state.getMapState(
                                new MapStateDescriptor<>(FORWARDS, Types.STRING, Types.STRING)),
                        profiles);
        scheduleArmed = state.getState(new ValueStateDescriptor<>(SCHEDULE_ARMED, Types.BOOLEAN));
        definitions = new DefinitionsInForce(profile);
        wakeUps =
                state.getMapState(
                        new MapStateDescriptor<>(WAKE_UPS, Types.LONG, Types.LIST(Types.STRING)));
        MetricGroup identity = state.getMetricGroup().addGroup("identity");
        merges = identity.counter("merges");
        rejectedLinks = identity.counter("rejectedLinks");
        quarantined = identity.counter("quarantined");
        profilesCreated = identity.counter("profilesCreated");
        deletions = identity.counter("profilesDeleted");
        unknownDeletes = identity.counter("deletesOfUnknownIdentifiers");
        MetricGroup profile = state.getMetricGroup().addGroup("profile");
        transitions = profile.counter("audienceTransitions");
        rejectedDefinitions = profile.counter("rejectedDefinitions");
        timerRequests = new ArrayList<>();
    }

    @Override
    public List<Map.Entry<String, Long>> takeTimerRequests() {
        List<Map.Entry<String, Long>> taken = timerRequests;
        timerRequests = new ArrayList<>();
        return taken;
    }

    @Override
    public void processElement(
            CustomerEvent event, ReadOnlyContext ctx, Collector<ResolvedEvent> out)
            throws Exception {
        long now = Math.max(ctx.timerService().currentWatermark(), event.eventTime());
        ProfileComputer computer =
                definitions.at(ctx.getBroadcastState(DEFINITIONS).immutableEntries(), now);
        if (!scheduled.isEmpty() && scheduleArmed.value() == null) {
            // Scheduled updates re-evaluate every profile of the tenant when their time comes.
            for (ScheduledUpdate update : scheduled) {
                ctx.timerService().registerEventTimeTimer(update.at());
            }
            scheduleArmed.update(true);
        }
        List<AudienceTransition> changes = new ArrayList<>();
        IdentityGraph graph =
                new IdentityGraph(
                        rules,
                        store,
                        ctx.getCurrentKey(),
                        new IdentityGraph.ProfileHooks() {
                            private boolean merged;

                            @Override
                            public void loaded(ProfileState profile) {
                                changes.addAll(computer.wakeUntil(profile, Math.min(now, horizon)));
                            }

                            @Override
                            public void merged(ProfileState winner, ProfileState loser) {
                                merged = true;
                                computer.merge(winner, loser);
                                changes.addAll(computer.exitAll(loser, "merge", now));
                            }

                            @Override
                            public void deleting(ProfileState profile) {
                                changes.addAll(computer.exitAll(profile, "event", now));
                            }

                            @Override
                            public void credited(ProfileState profile) {
                                changes.addAll(
                                        computer.onEvent(
                                                profile, event, merged ? "merge" : "event", now));
                            }
                        });
        Resolution resolution = graph.resolve(event, IdentifyTraits.of(event));

        for (ProfileMerged merge : resolution.merges()) {
            merges.inc();
            ctx.output(IdentityOutputs.MERGES, merge);
            ctx.output(
                    IdentityOutputs.PROFILES,
                    new ProfileUpdate(merge.loser(), null, merge.winner()));
        }
        for (RejectedLink rejection : resolution.rejections()) {
            rejectedLinks.inc();
            if (rejection.quarantined()) {
                quarantined.inc();
            }
            ctx.output(IdentityOutputs.REJECTED_LINKS, rejection);
        }
        profilesCreated.inc(resolution.created().size());
        for (ProfileState profile : resolution.updated()) {
            ctx.output(
                    IdentityOutputs.PROFILES, new ProfileUpdate(profile.id, profile.copy(), null));
            // Every profile read may have moved its wake-up (caught up to the event first).
            scheduleWakeUp(profile, ctx);
        }
        emit(changes, ctx);
        for (String deleted : resolution.deleted()) {
            deletions.inc();
            ctx.output(IdentityOutputs.PROFILES, new ProfileUpdate(deleted, null, null));
            // Later stages see the delete too: activation clears the person's attributes.
            out.collect(new ResolvedEvent(deleted, event));
        }
        if (!"delete".equals(event.type())) {
            out.collect(new ResolvedEvent(resolution.profileId(), event));
        } else if (resolution.deleted().isEmpty()) {
            unknownDeletes.inc();
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<ResolvedEvent> out)
            throws Exception {
        List<String> due = wakeUps.get(timestamp);
        wakeUps.remove(timestamp);
        if (timestamp > horizon) {
            return;
        }
        ProfileComputer computer =
                definitions.at(ctx.getBroadcastState(DEFINITIONS).immutableEntries(), timestamp);
        if (definitions.scheduledAt(timestamp)) {
            List<ProfileState> all = new ArrayList<>();
            profiles.values().forEach(all::add);
            for (ProfileState profile : all) {
                List<AudienceTransition> changes = computer.onDefinitionChange(profile, timestamp);
                updated(profile, changes, ctx);
            }
        }
        if (due == null) {
            return;
        }
        for (String profileId : due) {
            ProfileState profile = store.profile(profileId);
            // A profile merged away, deleted, or rescheduled since has nothing due now.
            if (profile == null || profile.wakeAt != timestamp) {
                continue;
            }
            updated(profile, computer.onWake(profile, timestamp), ctx);
        }
    }

    /** Writes back a profile the stage changed, emits its snapshot and transitions, reschedules. */
    private void updated(
            ProfileState profile, List<AudienceTransition> changes, ReadOnlyContext ctx)
            throws Exception {
        store.putProfile(profile);
        ctx.output(IdentityOutputs.PROFILES, new ProfileUpdate(profile.id, profile.copy(), null));
        emit(changes, ctx);
        scheduleWakeUp(profile, ctx);
    }

    @Override
    public void processBroadcastElement(
            DefinitionUpdate update, Context ctx, Collector<ResolvedEvent> out) throws Exception {
        BroadcastState<String, String> accepted = ctx.getBroadcastState(DEFINITIONS);
        DefinitionsInForce.Accepted result = definitions.accept(update, accepted);
        if (result.refusal() != null) {
            rejectedDefinitions.inc();
            ctx.output(IdentityOutputs.REJECTED_DEFINITIONS, result.refusal());
            return;
        }
        if (!result.changed()) {
            return;
        }
        ProfileComputer changed =
                definitions.at(accepted.immutableEntries(), ctx.currentWatermark());
        long watermark = ctx.currentWatermark();
        ctx.applyToKeyedState(
                profilesDescriptor(),
                (tenant, profiles) -> {
                    List<ProfileState> all = new ArrayList<>();
                    profiles.values().forEach(all::add);
                    for (ProfileState profile : all) {
                        long now = Math.max(watermark, profile.lastSeen);
                        List<AudienceTransition> changes = changed.onDefinitionChange(profile, now);
                        profiles.put(profile.id, profile);
                        // (the tenant is the current key here: its wake-up list is at hand)
                        if (listWakeUp(profile)) {
                            timerRequests.add(Map.entry(tenant, profile.wakeAt));
                        }
                        ctx.output(
                                IdentityOutputs.PROFILES,
                                new ProfileUpdate(profile.id, profile.copy(), null));
                        changes.forEach(
                                change -> {
                                    transitions.inc();
                                    ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
                                });
                    }
                });
    }

    /** Lists the profile under its wake-up time and arms the timer (one per distinct time). */
    private void scheduleWakeUp(ProfileState profile, ReadOnlyContext ctx) throws Exception {
        if (listWakeUp(profile)) {
            ctx.timerService().registerEventTimeTimer(profile.wakeAt);
        }
    }

    /**
     * Lists the profile under its wake-up time, in the current tenant's list; false when it has
     * none (or none before the horizon), so there is no timer to arm.
     */
    private boolean listWakeUp(ProfileState profile) throws Exception {
        long at = profile.wakeAt;
        if (at == Long.MAX_VALUE || at > horizon) {
            return false;
        }
        List<String> due = wakeUps.get(at);
        List<String> updated = due == null ? new ArrayList<>() : new ArrayList<>(due);
        if (!updated.contains(profile.id)) {
            updated.add(profile.id);
            wakeUps.put(at, updated);
        }
        return true;
    }

    private void emit(List<AudienceTransition> changes, ReadOnlyContext ctx) {
        for (AudienceTransition change : changes) {
            transitions.inc();
            ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
        }
    }
}
