package io.tessera.identity.distributed;

import io.tessera.identity.IdentifyTraits;
import io.tessera.identity.IdentityKeys;
import io.tessera.identity.IdentityOutputs;
import io.tessera.identity.ProfileMerged;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.RejectedLink;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The Cluster actor, keyed by cluster id: a profile's members and state, merges and refusals. What
 * it sends goes to the loop topic (its main output); the resolved events, profile snapshots, merges
 * and refused links go to side outputs, as single mode emits them.
 */
final class ClusterFunction extends KeyedProcessFunction<String, Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String CLUSTER = "cluster-state";

    /** The events credited to a profile. */
    static final OutputTag<ResolvedEvent> RESOLVED = new OutputTag<>("resolved-events") {};

    private final MergeRules rules;
    private final String tenant;
    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private transient ValueState<ClusterRecord> state;
    private transient List<CustomerEvent> credited;
    private transient ClusterActor<CustomerEvent, ProfileState> actor;

    ClusterFunction(MergeRules rules, String tenant, LoopCodec<CustomerEvent, ProfileState> codec) {
        this.rules = rules;
        this.tenant = tenant;
        this.codec = codec;
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        CLUSTER, TypeInformation.of(ClusterRecord.class)));
        credited = new ArrayList<>();
        actor = new ClusterActor<>(rules, new Ops(tenant, credited));
    }

    @Override
    public void processElement(Routed routed, Context ctx, Collector<Routed> out) throws Exception {
        ClusterId self = ClusterId.parse(ctx.getCurrentKey());
        ClusterRecord before = state.value();
        ClusterState<CustomerEvent, ProfileState> s = before == null ? null : before.state(codec);
        int absorbedBefore = s == null ? 0 : s.absorbed.size();
        credited.clear();
        long at = ctx.timestamp() == null ? Long.MIN_VALUE : ctx.timestamp();
        Outbox<CustomerEvent, ProfileState> outbox =
                new Outbox<>() {
                    @Override
                    public void send(Address to, Message<CustomerEvent, ProfileState> message) {
                        out.collect(new Routed(to, codec.encode(to, message)));
                    }

                    @Override
                    public void merged(ClusterId loser, ClusterId winner) {
                        String loserId = profileId(loser);
                        ctx.output(
                                IdentityOutputs.MERGES,
                                new ProfileMerged(loserId, profileId(winner), at, "link", null));
                        ctx.output(
                                IdentityOutputs.PROFILES,
                                new ProfileUpdate(loserId, null, profileId(winner)));
                    }

                    @Override
                    public void rejected(
                            ClusterId loser, ClusterId winner, String rule, String detail) {
                        Identifier founder = IdentityKeys.parse(loser.founder());
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
                };
        s = actor.handle(self, s, codec.decode(routed.record).message(), outbox);
        state.update(ClusterRecord.of(self, s, codec));
        if (s.tombstone) {
            return;
        }
        String profileId = profileId(self);
        for (CustomerEvent event : credited) {
            ctx.output(RESOLVED, new ResolvedEvent(profileId, event));
        }
        if (!credited.isEmpty() || s.absorbed.size() > absorbedBefore) {
            ProfileState snapshot = s.state.copy();
            snapshot.identifiers = new ArrayList<>(s.members);
            ctx.output(IdentityOutputs.PROFILES, new ProfileUpdate(profileId, snapshot, null));
        }
    }

    private String profileId(ClusterId id) {
        return IdentityKeys.profileId(tenant, id.createdAt(), id.founder());
    }

    /** Profile state as the protocol moves it: single mode's credit and absorb. */
    private static final class Ops implements ProfileOps<CustomerEvent, ProfileState> {
        private static final long serialVersionUID = 1L;

        private final String tenant;
        private final transient List<CustomerEvent> credited;

        Ops(String tenant, List<CustomerEvent> credited) {
            this.tenant = tenant;
            this.credited = credited;
        }

        @Override
        public ProfileState empty(ClusterId id) {
            return ProfileState.found(
                    IdentityKeys.profileId(tenant, id.createdAt(), id.founder()),
                    id.createdAt(),
                    IdentityKeys.parse(id.founder()));
        }

        @Override
        public void credit(ProfileState state, String eventId, CustomerEvent event) {
            state.credit(event.type(), event.event(), event.eventTime(), IdentifyTraits.of(event));
            state.updateConsent(IdentifyTraits.consent(event));
            credited.add(event);
        }

        @Override
        public void absorb(ProfileState winner, ProfileState loser) {
            winner.absorb(loser);
        }
    }
}
