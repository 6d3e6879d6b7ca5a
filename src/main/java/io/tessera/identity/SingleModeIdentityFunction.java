package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Identity in {@code single} mode: the whole graph of a tenant under the tenant's key, each event
 * resolved synchronously by {@link IdentityGraph}. Emits the resolved event, and on the side the
 * changed profiles, merges and rejected links.
 */
public final class SingleModeIdentityFunction
        extends KeyedProcessFunction<String, CustomerEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String DURABLE_DIRECTORY = "directory-durable";

    static final String EXPIRING_DIRECTORY = "directory-expiring";
    static final String FORWARDS = "forwards";
    static final String PROFILES = "profiles";

    private final IdentityRules rules;
    private final Duration expiringTtl;

    private transient MapStateGraphStore store;
    private transient Counter merges;
    private transient Counter rejectedLinks;
    private transient Counter quarantined;
    private transient Counter profilesCreated;
    private transient Counter deletions;
    private transient Counter unknownDeletes;

    /** A function applying the given rules; expiring identifiers live for {@code expiringTtl}. */
    public SingleModeIdentityFunction(IdentityRules rules, Duration expiringTtl) {
        this.rules = rules;
        this.expiringTtl = expiringTtl;
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
        MetricGroup identity = state.getMetricGroup().addGroup("identity");
        merges = identity.counter("merges");
        rejectedLinks = identity.counter("rejectedLinks");
        quarantined = identity.counter("quarantined");
        profilesCreated = identity.counter("profilesCreated");
        deletions = identity.counter("profilesDeleted");
        unknownDeletes = identity.counter("deletesOfUnknownIdentifiers");
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<ResolvedEvent> out) {
        IdentityGraph graph = new IdentityGraph(rules, store, ctx.getCurrentKey());
        Resolution resolution = graph.resolve(event, IdentifyTraits.of(event));

        for (ProfileMerged merge : resolution.merges()) {
            merges.inc();
            ctx.output(IdentityOutputs.MERGES, merge);
        }
        for (RejectedLink rejection : resolution.rejections()) {
            rejectedLinks.inc();
            if (rejection.quarantined()) {
                quarantined.inc();
            }
            ctx.output(IdentityOutputs.REJECTED_LINKS, rejection);
        }
        for (ProfileMerged merge : resolution.merges()) {
            ctx.output(
                    IdentityOutputs.PROFILES,
                    new ProfileUpdate(merge.loser(), null, merge.winner()));
        }
        profilesCreated.inc(resolution.created().size());
        for (ProfileState profile : resolution.updated()) {
            ctx.output(
                    IdentityOutputs.PROFILES, new ProfileUpdate(profile.id, profile.copy(), null));
        }
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
}
