package io.tessera.identity.distributed;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentityOptions;
import io.tessera.identity.IdentityOutputs;
import io.tessera.identity.IdentityRules;
import io.tessera.identity.IdentitySettings;
import io.tessera.identity.IdentityStage;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.SingleModeIdentityFunction;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.DefinitionsBroadcast;
import io.tessera.profile.ProfileSettings;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.graph.StreamGraphGenerator;
import org.apache.flink.streaming.api.transformations.PartitionTransformation;
import org.apache.flink.streaming.runtime.partitioner.KeyGroupStreamPartitioner;

/**
 * Stage 2 in distributed mode: the merge protocol on three keyed operators (Directory by
 * identifier, Gather by event id, Cluster by profile), what a Cluster sends carried through the
 * identity loop topic ({@code cdp.identity.loop-writes}: stamped by default, or transactional and
 * read {@code read_committed}). An event enters the loop only with a merge (carried by a link, an
 * offer or a relay) or when a Cluster routes it again (it reached a profile erased before it). The
 * Cluster runs the profile stage (traits, rule audiences) as single mode does, so the later stages
 * do not change.
 */
public final class DistributedIdentityStage {
    public static final String ROUTE_UID = "identity-route";
    public static final String DIRECTORY_UID = "identity-directory";
    public static final String GATHER_UID = "identity-gather";
    public static final String CLUSTER_UID = "identity-cluster";
    public static final String LOOP_SOURCE_UID = "identity-loop-source";
    public static final String LOOP_SINK_UID = "identity-loop-sink";
    public static final String LOOP_LINEAGE_UID = "identity-loop-lineage";
    public static final String LOOP_STAMPS_UID = "identity-loop-stamps";

    private DistributedIdentityStage() {}

    /**
     * Resolves every event to a profile.
     *
     * @param definitions live updates of definitions (the control topic), broadcast to every
     *     Cluster subtask
     * @param profile the profile stage's bootstrap definitions and horizon
     * @param loopSource the loop topic, read {@code read_committed}
     * @param loopSink the loop topic, written exactly-once
     * @param allowance how long, of the clock, the protocol's event time trails the events': the
     *     time an event may spend crossing the loop (buffered in a locked cluster, or in a merge)
     */
    public static IdentityStage.Resolved resolveProfiles(
            DataStream<CustomerEvent> events,
            DataStream<DefinitionUpdate> definitions,
            IdentitySettings settings,
            ProfileSettings profile,
            Source<Routed, ?, ?> loopSource,
            Sink<Routed> loopSink,
            Duration allowance) {
        IdentityRules rules = settings.rules();
        LoopCodec<CustomerEvent, ProfileState> codec =
                new LoopCodec<>(CustomerEvent.class, ProfileState.class);
        SingleOutputStreamOperator<Routed> route =
                events.process(new RouteFunction(rules, codec))
                        .uid(ROUTE_UID)
                        .name("Identity: route");
        DataStream<Routed> routed = holdBackEventTime(route, allowance);
        // Event time comes from the events alone: the loop source is idle to the watermark, its
        // records keep the time of the events behind them. (With watermarks of its own, a loop
        // partition that goes quiet would hold event time back.)
        // What a failed attempt wrote to a stamped loop after the checkpoint restored is dropped
        // as it is read (a transactional loop's records carry no stamp and all pass).
        DataStream<Routed> loop =
                events.getExecutionEnvironment()
                        .fromSource(loopSource, new LoopWatermarks(), "Identity loop")
                        .uid(LOOP_SOURCE_UID)
                        .transform(
                                "Identity loop: lineage",
                                TypeInformation.of(Routed.class),
                                new LoopLineageFilter())
                        .uid(LOOP_LINEAGE_UID);

        SingleOutputStreamOperator<Routed> directory =
                only(routed, Actor.DIRECTORY, "route")
                        .union(fromLoop(loop, Actor.DIRECTORY))
                        .keyBy(r -> r.key)
                        .process(new DirectoryFunction(codec, rules, settings.expiringTtl()))
                        .uid(DIRECTORY_UID)
                        .name("Identity: directory");
        SingleOutputStreamOperator<Routed> gather =
                only(routed, Actor.GATHER, "route")
                        .union(
                                only(directory, Actor.GATHER, "directory"),
                                // an event a cluster sends through the protocol again (it
                                // reached a profile erased before it)
                                fromLoop(loop, Actor.GATHER))
                        .keyBy(r -> r.key)
                        .process(new GatherFunction(codec))
                        .uid(GATHER_UID)
                        .name("Identity: gather");
        TypeInformation<LoopProgress> progressType = TypeInformation.of(LoopProgress.class);
        DataStream<LoopProgress> entered =
                route.getSideOutput(RouteFunction.ENTERED)
                        .transform(
                                "Identity: events in counted",
                                progressType,
                                new ProgressCounters.Times(1))
                        .uid(ENTERED_COUNTED_UID);
        SingleOutputStreamOperator<Routed> cluster =
                DefinitionsBroadcast.process(
                                only(directory, Actor.CLUSTER, "directory")
                                        .union(gather, fromLoop(loop, Actor.CLUSTER))
                                        .keyBy(r -> r.key),
                                definitions.union(clustersEventTime(entered, loop)),
                                SingleModeIdentityFunction.DEFINITIONS,
                                new ClusterFunction(MergeRules.of(rules), rules, codec, profile),
                                TypeInformation.of(Routed.class),
                                "Identity: cluster")
                        .uid(CLUSTER_UID)
                        .name("Identity: cluster");
        DataStream<Routed> toLoop =
                cluster.transform(
                                "Identity: events settled counted",
                                TypeInformation.of(Routed.class),
                                new ProgressCounters.IntoLoop())
                        .uid(SETTLED_COUNTED_UID);
        if (settings.loopWrites() == IdentityOptions.LoopWrites.STAMPED) {
            toLoop =
                    toLoop.transform(
                                    "Identity loop: stamps",
                                    TypeInformation.of(Routed.class),
                                    new LoopStamps())
                            .uid(LOOP_STAMPS_UID);
        }
        toLoop.sinkTo(loopSink).uid(LOOP_SINK_UID).name("Identity loop");

        DataStream<ResolvedEvent> resolved =
                cluster.getSideOutput(ClusterFunction.RESOLVED)
                        .transform(
                                "Identity: resolved events at their time",
                                TypeInformation.of(ResolvedEvent.class),
                                new AtEventTime())
                        .uid(AT_EVENT_TIME_UID);
        IdentityStage.Resolved.ForSequences forSequences =
                new IdentityStage.Resolved.ForSequences(resolved, null);
        if (!profile.sequences().isEmpty()) {
            SingleOutputStreamOperator<ResolvedEvent> counted =
                    resolved.transform(
                                    "Identity: events out counted",
                                    resolved.getType(),
                                    new ProgressCounters.Credits())
                            .uid(CREDITS_COUNTED_UID);
            resolved = counted;
            forSequences =
                    new IdentityStage.Resolved.ForSequences(
                            counted,
                            chosen -> holdForEventsInFlight(entered, cluster, counted, chosen));
        }
        return new IdentityStage.Resolved(
                resolved,
                cluster.getSideOutput(IdentityOutputs.PROFILES),
                cluster.getSideOutput(IdentityOutputs.MERGES),
                cluster.getSideOutput(IdentityOutputs.REJECTED_LINKS),
                cluster.getSideOutput(IdentityOutputs.AUDIENCE_TRANSITIONS),
                cluster.getSideOutput(IdentityOutputs.REJECTED_DEFINITIONS),
                forSequences);
    }

    public static final String ENTERED_COUNTED_UID = "identity-events-in-counted";
    public static final String AT_EVENT_TIME_UID = "identity-events-at-their-time";
    public static final String DROPPED_COUNTED_UID = "identity-events-dropped-counted";
    public static final String CREDITS_COUNTED_UID = "identity-events-out-counted";
    public static final String IN_FLIGHT_UID = "identity-events-in-flight";

    /**
     * How long, on the clock, events may stay inside the protocol before the sequence audiences'
     * event time goes past them anyway (metric {@code identity.eventsGivenUpInFlight}).
     */
    public static final Duration IN_FLIGHT_PATIENCE = Duration.ofMinutes(5);

    /**
     * The resolved events for the sequence audiences, partitioned by profile, with event time held
     * below every event still inside the protocol ({@link InFlightWatermarks}): an event that
     * crossed the loop is never late for them, even when event time ran past the loop allowance.
     *
     * @param chosen one record for every event of {@code counted}, as the sequences read it
     */
    private static DataStream<ResolvedEvent> holdForEventsInFlight(
            DataStream<LoopProgress> entered,
            SingleOutputStreamOperator<Routed> cluster,
            SingleOutputStreamOperator<ResolvedEvent> counted,
            DataStream<ResolvedEvent> chosen) {
        TypeInformation<LoopProgress> progressType = TypeInformation.of(LoopProgress.class);
        DataStream<LoopProgress> progress =
                entered.union(
                        cluster.getSideOutput(ClusterFunction.LEFT_UNRESOLVED)
                                .transform(
                                        "Identity: events dropped counted",
                                        progressType,
                                        new ProgressCounters.Times(-1))
                                .uid(DROPPED_COUNTED_UID),
                        counted.getSideOutput(ProgressCounters.Credits.LEFT));
        // partitioned as keyBy(profileId) partitions, without making the operator keyed: the
        // sequences' CEP operators in its chain read the stream as keyed
        DataStream<ResolvedEvent> byProfile =
                new DataStream<>(
                        chosen.getExecutionEnvironment(),
                        new PartitionTransformation<>(
                                chosen.getTransformation(),
                                new KeyGroupStreamPartitioner<>(
                                        (KeySelector<ResolvedEvent, String>)
                                                ResolvedEvent::profileId,
                                        StreamGraphGenerator.DEFAULT_LOWER_BOUND_MAX_PARALLELISM)));
        return byProfile
                .connect(progress.broadcast())
                .transform(
                        "Sequences: event time held for events in flight",
                        chosen.getType(),
                        new InFlightWatermarks(IN_FLIGHT_PATIENCE))
                .uid(IN_FLIGHT_UID);
    }

    public static final String SETTLED_COUNTED_UID = "identity-events-settled-counted";
    public static final String SETTLED_READ_UID = "identity-loop-to-settled";
    public static final String CLUSTERS_EVENT_TIME_UID = "identity-clusters-event-time";

    /**
     * The Clusters' event time, held below every event still inside the protocol and not settled in
     * a cluster ({@link ClusterWatermarks}): no records, only watermarks, for the Clusters'
     * broadcast input. One subtask, which hears every count.
     */
    private static DataStream<DefinitionUpdate> clustersEventTime(
            DataStream<LoopProgress> entered, DataStream<Routed> loop) {
        DataStream<LoopProgress> settled =
                fromLoop(loop, Actor.PROGRESS)
                        .map(r -> LoopProgress.fromRecord(r.record))
                        .returns(TypeInformation.of(LoopProgress.class))
                        .uid(SETTLED_READ_UID)
                        .name("Identity loop: events settled");
        return entered.union(settled)
                .transform(
                        "Identity: the clusters' event time",
                        TypeInformation.of(DefinitionUpdate.class),
                        new ClusterWatermarks(IN_FLIGHT_PATIENCE))
                .uid(CLUSTERS_EVENT_TIME_UID)
                .setParallelism(1);
    }

    /** Uid of the operator that holds the protocol's event time back by the loop allowance. */
    public static final String HOLD_BACK_UID = "identity-loop-allowance";

    /**
     * The routed events with event time held back by the loop allowance, for every operator of the
     * protocol and after it. An event that waits for the loop (in a locked cluster's buffer, or
     * behind a merge) is credited once its cluster is free, and the wake-ups of that cluster (a
     * window expiring, a "last active before" flip) must not have run past its time by then: the
     * profile would be evaluated at the wake-up, then at the earlier event, and the wake-up's
     * effect lost, as single mode never does. The resolved events leave the Cluster with this event
     * time, so the sequence audiences see no event late either.
     */
    private static DataStream<Routed> holdBackEventTime(
            DataStream<Routed> routed, Duration allowance) {
        return routed.transform(
                        "Identity: event time held back " + allowance,
                        routed.getType(),
                        new DelayedWatermarks<Routed>(allowance))
                .uid(HOLD_BACK_UID);
    }

    /**
     * The actors whose operators read the loop topic: a Cluster may send to any of them (a merge's
     * messages, repoints, the counts of what it settled, and the messages of an event it routes
     * again), and a loop record for any other would be lost.
     */
    static final Set<Actor> READ_FROM_LOOP =
            EnumSet.of(Actor.DIRECTORY, Actor.GATHER, Actor.CLUSTER, Actor.PROGRESS);

    /** The loop's records for one actor. */
    private static DataStream<Routed> fromLoop(DataStream<Routed> loop, Actor actor) {
        if (!READ_FROM_LOOP.contains(actor)) {
            throw new IllegalArgumentException(actor + " is not listed as reading the loop");
        }
        return only(loop, actor, "loop");
    }

    private static DataStream<Routed> only(DataStream<Routed> stream, Actor actor, String from) {
        return stream.filter(r -> r.isFor(actor))
                .uid("identity-" + from + "-to-" + actor.name().toLowerCase())
                .name("Identity: " + from + " to " + actor.name().toLowerCase());
    }
}
