package io.tessera.identity.distributed;

import io.tessera.definitions.DefinitionRejection;
import io.tessera.identity.IdentityOutputs;
import io.tessera.identity.IdentityRules;
import io.tessera.identity.IdentitySettings;
import io.tessera.identity.IdentityStage;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import java.time.Duration;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.util.Collector;

/**
 * Stage 2 in distributed mode: the merge protocol on three keyed operators (Directory by
 * identifier, Gather by event id, Cluster by profile), their merge messages carried through the
 * identity loop topic, written exactly-once and read {@code read_committed}. Ordinary events never
 * enter the loop. Identity only so far: no computed traits or audiences.
 */
public final class DistributedIdentityStage {
    public static final String ROUTE_UID = "identity-route";
    public static final String DIRECTORY_UID = "identity-directory";
    public static final String GATHER_UID = "identity-gather";
    public static final String CLUSTER_UID = "identity-cluster";
    public static final String LOOP_SOURCE_UID = "identity-loop-source";
    public static final String LOOP_SINK_UID = "identity-loop-sink";

    private DistributedIdentityStage() {}

    /**
     * Resolves every event to a profile.
     *
     * @param loopSource the loop topic, read {@code read_committed}
     * @param loopSink the loop topic, written exactly-once
     */
    public static IdentityStage.Resolved resolveProfiles(
            DataStream<CustomerEvent> events,
            IdentitySettings settings,
            Source<Routed, ?, ?> loopSource,
            Sink<Routed> loopSink) {
        IdentityRules rules = settings.rules();
        LoopCodec<CustomerEvent, ProfileState> codec =
                new LoopCodec<>(CustomerEvent.class, ProfileState.class);
        DataStream<Routed> routed =
                events.process(new RouteFunction(rules, codec))
                        .uid(ROUTE_UID)
                        .name("Identity: route");
        // The loop carries no event time: its timestamps are the records' own, and an idle
        // partition does not hold the watermark back.
        DataStream<Routed> loop =
                events.getExecutionEnvironment()
                        .fromSource(
                                loopSource,
                                WatermarkStrategy.<Routed>forMonotonousTimestamps()
                                        .withIdleness(Duration.ofSeconds(1)),
                                "Identity loop")
                        .uid(LOOP_SOURCE_UID);

        SingleOutputStreamOperator<Routed> directory =
                only(routed, Actor.DIRECTORY, "route")
                        .union(only(loop, Actor.DIRECTORY, "loop"))
                        .keyBy(r -> r.key)
                        .process(new DirectoryFunction(codec, rules, settings.expiringTtl()))
                        .uid(DIRECTORY_UID)
                        .name("Identity: directory");
        SingleOutputStreamOperator<Routed> gather =
                only(routed, Actor.GATHER, "route")
                        .union(only(directory, Actor.GATHER, "directory"))
                        .keyBy(r -> r.key)
                        .process(new GatherFunction(codec))
                        .uid(GATHER_UID)
                        .name("Identity: gather");
        SingleOutputStreamOperator<Routed> cluster =
                only(directory, Actor.CLUSTER, "directory")
                        .union(gather, only(loop, Actor.CLUSTER, "loop"))
                        .keyBy(r -> r.key)
                        .process(
                                new ClusterFunction(
                                        MergeRules.of(rules), CustomerEvent.DEFAULT_TENANT, codec))
                        .uid(CLUSTER_UID)
                        .name("Identity: cluster");
        cluster.sinkTo(loopSink).uid(LOOP_SINK_UID).name("Identity loop");

        return new IdentityStage.Resolved(
                cluster.getSideOutput(ClusterFunction.RESOLVED),
                cluster.getSideOutput(IdentityOutputs.PROFILES),
                cluster.getSideOutput(IdentityOutputs.MERGES),
                cluster.getSideOutput(IdentityOutputs.REJECTED_LINKS),
                none(events, AudienceTransition.class, "audience-transitions"),
                none(events, DefinitionRejection.class, "rejected-definitions"));
    }

    private static DataStream<Routed> only(DataStream<Routed> stream, Actor actor, String from) {
        return stream.filter(r -> r.isFor(actor))
                .uid("identity-" + from + "-to-" + actor.name().toLowerCase())
                .name("Identity: " + from + " to " + actor.name().toLowerCase());
    }

    /** An empty stream of the type: what distributed mode does not compute yet. */
    private static <T> DataStream<T> none(
            DataStream<CustomerEvent> events, Class<T> type, String what) {
        return events.flatMap(new Nothing<>(type))
                .uid("identity-distributed-no-" + what)
                .name("Identity: no " + what + " in distributed mode");
    }

    private static final class Nothing<T>
            implements FlatMapFunction<CustomerEvent, T>,
                    org.apache.flink.api.java.typeutils.ResultTypeQueryable<T> {
        private static final long serialVersionUID = 1L;
        private final Class<T> type;

        Nothing(Class<T> type) {
            this.type = type;
        }

        @Override
        public void flatMap(CustomerEvent event, Collector<T> out) {}

        @Override
        public TypeInformation<T> getProducedType() {
            return TypeInformation.of(type);
        }
    }
}
