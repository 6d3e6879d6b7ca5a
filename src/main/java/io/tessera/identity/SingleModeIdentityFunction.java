package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.ProfileComputer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Identity in {@code single} mode, with the profile stage running inside it: the whole graph of a
 * tenant under the tenant's key, each event resolved synchronously by {@link IdentityGraph}, the
 * credited profile's traits and audiences updated by {@link ProfileComputer} before the profile is
 * written back. Wake-ups: one event-time timer per distinct time, with the profiles due then listed
 * in state; each profile keeps one wake-up, at its next possible change.
 */
public final class SingleModeIdentityFunction
        extends KeyedProcessFunction<String, CustomerEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String DURABLE_DIRECTORY = "directory-durable";

    static final String EXPIRING_DIRECTORY = "directory-expiring";
    static final String FORWARDS = "forwards";
    static final String PROFILES = "profiles";
    static final String WAKE_UPS = "wake-ups";

    private final IdentityRules rules;
    private final Duration expiringTtl;
    private final ProfileComputer computer;
    private final long horizon;

    private transient MapStateGraphStore store;
    private transient MapState<Long, List<String>> wakeUps;
    private transient Counter merges;
    private transient Counter rejectedLinks;
    private transient Counter quarantined;
    private transient Counter profilesCreated;
    private transient Counter deletions;
    private transient Counter unknownDeletes;
    private transient Counter transitions;

    /**
     * @param rules the identity rules
     * @param expiringTtl how long expiring identifiers are kept after last seen
     * @param computer the profile stage's traits and audiences
     * @param horizon no wake-up later than this event time is acted on (replay); else MAX
     */
    public SingleModeIdentityFunction(
            IdentityRules rules, Duration expiringTtl, ProfileComputer computer, long horizon) {
        this.rules = rules;
        this.expiringTtl = expiringTtl;
        this.computer = computer;
        this.horizon = horizon;
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
                        state.getMapState(
                                new MapStateDescriptor<>(
                                        PROFILES,
                                        Types.STRING,
                                        TypeInformation.of(ProfileState.class))));
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
        transitions = state.getMetricGroup().addGroup("profile").counter("audienceTransitions");
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<ResolvedEvent> out)
            throws Exception {
        long now = Math.max(ctx.timerService().currentWatermark(), event.eventTime());
        List<AudienceTransition> changes = new ArrayList<>();
        IdentityGraph graph =
                new IdentityGraph(
                        rules,
                        store,
                        ctx.getCurrentKey(),
                        new IdentityGraph.ProfileHooks() {
                            private boolean merged;

                            @Override
                            public void merged(ProfileState winner, ProfileState loser) {
                                merged = true;
                                computer.merge(winner, loser);
                                changes.addAll(computer.exitAll(loser, "merge", now));
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
            if (profile.id.equals(resolution.profileId())) {
                scheduleWakeUp(profile, ctx);
            }
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
        if (due == null || timestamp > horizon) {
            return;
        }
        for (String profileId : due) {
            ProfileState profile = store.profile(profileId);
            // A profile merged away, deleted, or rescheduled since has nothing due now.
            if (profile == null || profile.wakeAt != timestamp) {
                continue;
            }
            List<AudienceTransition> changes = computer.onWake(profile, timestamp);
            store.putProfile(profile);
            ctx.output(
                    IdentityOutputs.PROFILES, new ProfileUpdate(profile.id, profile.copy(), null));
            emit(changes, ctx);
            scheduleWakeUp(profile, ctx);
        }
    }

    /** Lists the profile under its wake-up time and arms the timer (one per distinct time). */
    private void scheduleWakeUp(ProfileState profile, Context ctx) throws Exception {
        long at = profile.wakeAt;
        if (at == Long.MAX_VALUE) {
            return;
        }
        List<String> due = wakeUps.get(at);
        List<String> updated = due == null ? new ArrayList<>() : new ArrayList<>(due);
        if (!updated.contains(profile.id)) {
            updated.add(profile.id);
            wakeUps.put(at, updated);
        }
        ctx.timerService().registerEventTimeTimer(at);
    }

    private void emit(List<AudienceTransition> changes, Context ctx) {
        for (AudienceTransition change : changes) {
            transitions.inc();
            ctx.output(IdentityOutputs.AUDIENCE_TRANSITIONS, change);
        }
    }
}
