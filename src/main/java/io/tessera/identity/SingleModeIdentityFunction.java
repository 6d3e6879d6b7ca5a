package io.tessera.identity;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.BroadcastTimers;
import io.tessera.profile.DefinitionsInForce;
import io.tessera.profile.ProfileComputer;
import io.tessera.profile.ProfileSettings;
import io.tessera.profile.ProfileTimers;
import io.tessera.profile.ScheduledUpdate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * written back. Wake-ups: each profile keeps one event-time timer, at its next possible change,
 * named by its profile ({@link ProfileTimers}). Savepoints of 0.1 listed the profiles due at each
 * time in state ({@code wake-ups}); those lists are still read when their timers fire, and no
 * longer written.
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
    private transient List<BroadcastTimers.ProfileWakeUp<String>> wakeUpRequests;

    /** The operator's per-profile wake-up timers. */
    private transient ProfileTimers wakeTimers;

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
        wakeUpRequests = new ArrayList<>();
    }

    @Override
    public List<BroadcastTimers.ProfileWakeUp<String>> takeWakeUpRequests() {
        List<BroadcastTimers.ProfileWakeUp<String>> taken = wakeUpRequests;
        wakeUpRequests = new ArrayList<>();
        return taken;
    }

    @Override
    public void useProfileTimers(ProfileTimers timers) {
        this.wakeTimers = timers;
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
        // The wake-up each profile read had armed before this event, by profile id.
        Map<String, Long> armed = new HashMap<>();
        IdentityGraph graph =
                new IdentityGraph(
                        rules,
                        store,
                        ctx.getCurrentKey(),
                        new IdentityGraph.ProfileHooks() {
                            private boolean merged;

                            @Override
                            public void loaded(ProfileState profile) {
                                armed.putIfAbsent(profile.id, profile.wakeAt);
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
                    IdentityOutputs.PROFILES,
                    new ProfileUpdate(profile.id, computer.snapshot(profile), null));
            // Every profile read may have moved its wake-up (caught up to the event first).
            scheduleWakeUp(profile, armed.get(profile.id));
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
        if (timestamp > horizon) {
            return;
        }
        ProfileComputer computer =
                definitions.at(ctx.getBroadcastState(DEFINITIONS).immutableEntries(), timestamp);
        String profileId = wakeTimers.firing();
        if (profileId != null) {
            wake(profileId, timestamp, computer, ctx);
            return;
        }
        if (definitions.scheduledAt(timestamp)) {
            List<ProfileState> all = new ArrayList<>();
            profiles.values().forEach(all::add);
            for (ProfileState profile : all) {
                long before = profile.wakeAt;
                List<AudienceTransition> changes = computer.onDefinitionChange(profile, timestamp);
                updated(profile, changes, computer, ctx, before);
            }
        }
        // The profiles due now as a savepoint of 0.1 listed them.
        List<String> listed = wakeUps.get(timestamp);
        if (listed != null) {
            wakeUps.remove(timestamp);
            for (String listedId : listed) {
                wake(listedId, timestamp, computer, ctx);
            }
        }
    }

    /** A profile's wake-up fires: what is due now is applied, unless it was moved since. */
    private void wake(
            String profileId, long timestamp, ProfileComputer computer, ReadOnlyContext ctx)
            throws Exception {
        ProfileState profile = store.profile(profileId);
        // A profile merged away, deleted, or rescheduled since has nothing due now.
        if (profile == null || profile.wakeAt != timestamp) {
            return;
        }
        updated(profile, computer.onWake(profile, timestamp), computer, ctx, null);
    }

    /**
     * Writes back a profile the stage changed, emits its snapshot and transitions, reschedules.
     *
     * @param armed the wake-up armed before the change, or null when none is (it just fired)
     */
    private void updated(
            ProfileState profile,
            List<AudienceTransition> changes,
            ProfileComputer computer,
            ReadOnlyContext ctx,
            Long armed)
            throws Exception {
        store.putProfile(profile);
        ctx.output(
                IdentityOutputs.PROFILES,
                new ProfileUpdate(profile.id, computer.snapshot(profile), null));
        emit(changes, ctx);
        scheduleWakeUp(profile, armed);
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
                        long before = profile.wakeAt;
                        List<AudienceTransition> changes = changed.onDefinitionChange(profile, now);
                        profile.storedWithoutValues(() -> profiles.put(profile.id, profile));
                        // (a wake-up armed before and no longer due finds the profile moved on)
                        if (profile.wakeAt != before && wakes(profile.wakeAt)) {
                            wakeUpRequests.add(
                                    new BroadcastTimers.ProfileWakeUp<>(
                                            tenant, profile.id, profile.wakeAt));
                        }
                        ctx.output(
                                IdentityOutputs.PROFILES,
                                new ProfileUpdate(profile.id, changed.snapshot(profile), null));
                        changes.forEach(
                                change -> {
                                    transitions.inc();
                                    ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
                                });
                    }
                });
    }

    /**
     * Arms the profile's wake-up at its next possible change, and removes the one armed before when
     * it moved.
     *
     * @param armed the wake-up armed before, or null when none is
     */
    private void scheduleWakeUp(ProfileState profile, Long armed) {
        long at = profile.wakeAt;
        if (armed != null && armed == at) {
            return; // armed already
        }
        if (armed != null && wakes(armed)) {
            wakeTimers.delete(profile.id, armed);
        }
        if (wakes(at)) {
            wakeTimers.register(profile.id, at);
        }
    }

    /** True when a wake-up time is one to arm: there is one, and it is before the horizon. */
    private boolean wakes(long at) {
        return at != Long.MAX_VALUE && at <= horizon;
    }

    private void emit(List<AudienceTransition> changes, ReadOnlyContext ctx) {
        for (AudienceTransition change : changes) {
            transitions.inc();
            ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
        }
    }
}
