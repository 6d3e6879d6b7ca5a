package io.tessera;

import io.tessera.activation.ActivationSettings;
import io.tessera.activation.ActivationStage;
import io.tessera.activation.AttributeMap;
import io.tessera.activation.EdgeOutcome;
import io.tessera.activation.EdgeRequest;
import io.tessera.activation.ProfileTarget;
import io.tessera.connect.KafkaConnectors;
import io.tessera.definitions.DefinitionRejection;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentityOptions;
import io.tessera.identity.IdentityStage;
import io.tessera.identity.IdentityUids;
import io.tessera.identity.ProfileMerged;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.RejectedLink;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.distributed.DistributedIdentityStage;
import io.tessera.ingest.DeadLetter;
import io.tessera.ingest.IngestRecord;
import io.tessera.ingest.IngestStage;
import io.tessera.ingest.IngestUids;
import io.tessera.ingest.IngestWatermarks;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.DefinitionWatermarks;
import io.tessera.profile.ProfileChanges;
import io.tessera.sequences.SequenceStage;
import java.time.Duration;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The job's dataflow, stage by stage. Sources and sinks come in as arguments, so the production job
 * (Kafka), {@code ./tessera replay} (files) and the tests build the very same topology.
 */
public final class Topology {
    /** Uid of the tap on accepted events, used by replay and tests only. */
    public static final String ACCEPTED_EVENTS_TAP = "accepted-events-tap";

    /** Uid of the control-topic source of definitions. */
    public static final String DEFINITIONS_SOURCE = "profile-definitions-source";

    /** Uid of the sink of refused control-topic records. */
    public static final String REJECTED_DEFINITIONS_SINK = "profile-rejected-definitions-sink";

    private Topology() {}

    /**
     * The control input of a run without a control topic: a bounded input with no records, so only
     * the bootstrap definitions apply. (An empty collection source cannot be built.)
     */
    private static final class NoDefinitionUpdates
            implements FlatMapFunction<Long, DefinitionUpdate>,
                    ResultTypeQueryable<DefinitionUpdate> {
        private static final long serialVersionUID = 1L;

        @Override
        public void flatMap(Long ignored, Collector<DefinitionUpdate> out) {}

        @Override
        public TypeInformation<DefinitionUpdate> getProducedType() {
            return TypeInformation.of(DefinitionUpdate.class);
        }
    }

    /**
     * Where the job reads.
     *
     * @param events Segment messages, parsed at the source into {@link IngestRecord}s
     * @param definitions the control topic of definitions, or null when only the bootstrap file
     *     applies (a replay)
     */
    public record Sources(
            Source<IngestRecord, ?, ?> events, Source<DefinitionUpdate, ?, ?> definitions) {}

    /**
     * Where the job writes.
     *
     * @param eventDeadLetters refused input records ({@code cdp.events.dlq})
     * @param acceptedEvents a tap on the accepted events for replay and tests; null in production
     * @param profiles profile snapshots and removals ({@code cdp.profiles})
     * @param merges merges ({@code cdp.profile-merges})
     * @param rejectedLinks links the identity rules refused (audit)
     * @param audienceTransitions rule audience entries and exits ({@code cdp.audience-transitions})
     * @param sequenceTransitions sequence audience entries and exits, to the same topic through a
     *     sink of their own; or null to write them with the rule audiences' (one file of a replay)
     * @param rejectedDefinitions refused control-topic records, or null
     * @param activationRequests a tap that records the Edge API requests instead of sending them
     *     (replay), or null to send them when activation is configured
     * @param activationDeadLetters Edge API calls that could not be delivered ({@code
     *     cdp.activation.dlq}), or null when requests are not sent
     */
    public record Sinks(
            Sink<DeadLetter> eventDeadLetters,
            Sink<CustomerEvent> acceptedEvents,
            Sink<ProfileUpdate> profiles,
            Sink<ProfileMerged> merges,
            Sink<RejectedLink> rejectedLinks,
            Sink<AudienceTransition> audienceTransitions,
            Sink<AudienceTransition> sequenceTransitions,
            Sink<DefinitionRejection> rejectedDefinitions,
            Sink<EdgeRequest> activationRequests,
            Sink<EdgeOutcome> activationDeadLetters) {}

    /** Uid of the tap that records Edge API requests instead of sending them (replay). */
    public static final String ACTIVATION_REQUESTS_TAP = "activation-requests-tap";

    /** Adds the whole dataflow to the environment: the five stages in order. */
    public static void build(
            StreamExecutionEnvironment env, TesseraConfig config, Sources sources, Sinks sinks) {
        DataStream<DefinitionUpdate> definitions = definitions(env, sources);

        IngestStage.Ingested ingested =
                IngestStage.ingestEvents(
                        events(env, config, sources),
                        config.ingest(),
                        config.identity().mode() == IdentityOptions.IdentityMode.DISTRIBUTED,
                        config.identity().namedFresh());
        ingested.writeTo(sinks.eventDeadLetters(), sinks.acceptedEvents(), ACCEPTED_EVENTS_TAP);

        IdentityStage.Resolved resolved =
                resolveIdentities(env, config, ingested.events(), definitions);
        // each profile's latest change per interval, in the identity stage's chain
        DataStream<ProfileUpdate> profiles =
                ProfileChanges.coalesce(resolved.profiles(), config.profile().coalesce());
        resolved.writeTo(
                sinks.merges(),
                sinks.rejectedLinks(),
                sinks.rejectedDefinitions(),
                REJECTED_DEFINITIONS_SINK);

        // stage 4 (in distributed mode the resolved events carry event time held below every
        // event still crossing the loop, so an event credited after crossing it is not late)
        DataStream<AudienceTransition> sequenceTransitions =
                SequenceStage.matchSequences(
                        resolved.forSequences(),
                        definitions,
                        config.profile().sequences(),
                        config.profile().horizon());

        // with sequence audiences the profile view passes activation's input on, and activation
        // plans in its task
        boolean activates = sinks.activationRequests() != null || config.activation().enabled();
        AttributeMap attributes = AttributeMap.of(config.profile().bootstrap());
        SequenceStage.View<ProfileTarget> view =
                SequenceStage.viewProfiles(
                        profiles,
                        sequenceTransitions,
                        sequenceTransitions != null && activates
                                ? new SequenceStage.ActivationInput<>(
                                        ActivationStage.forwardedEvents(
                                                resolved.events(), config.activation(), attributes),
                                        ActivationStage.targets(config.activation(), attributes),
                                        ActivationStage.targetType())
                                : null);
        view.profiles()
                .sinkTo(sinks.profiles())
                .uid(IdentityUids.PROFILES_SINK)
                .name(IdentityUids.PROFILES_SINK_NAME);
        // the rule audiences' transitions leave from the task that evaluates them; the sequence
        // audiences' through a sink of their own, or else with them (a second input: no chain)
        DataStream<AudienceTransition> transitions = resolved.audienceTransitions();
        if (sequenceTransitions != null && sinks.sequenceTransitions() != null) {
            SequenceStage.writeTransitions(sequenceTransitions, sinks.sequenceTransitions());
        } else if (sequenceTransitions != null) {
            transitions = transitions.union(sequenceTransitions);
        }
        transitions
                .sinkTo(sinks.audienceTransitions())
                .uid(IdentityUids.TRANSITIONS_SINK)
                .name(IdentityUids.TRANSITIONS_SINK_NAME);

        if (activates) {
            activate(config.activation(), attributes, profiles, resolved.events(), view, sinks);
        }
    }

    private static DataStream<IngestRecord> events(
            StreamExecutionEnvironment env, TesseraConfig config, Sources sources) {
        return env.fromSource(
                        sources.events(),
                        IngestWatermarks.strategy(config.ingest()),
                        IngestUids.SOURCE_NAME)
                .uid(IngestUids.SOURCE);
    }

    private static DataStream<DefinitionUpdate> definitions(
            StreamExecutionEnvironment env, Sources sources) {
        if (sources.definitions() == null) {
            return env.fromSequence(0, 0)
                    .uid(DEFINITIONS_SOURCE)
                    .name("No definition updates")
                    .flatMap(new NoDefinitionUpdates())
                    .uid(DEFINITIONS_SOURCE + "-none")
                    .name("No definition updates");
        }
        return env.fromSource(sources.definitions(), DefinitionWatermarks.strategy(), "Definitions")
                .uid(DEFINITIONS_SOURCE);
    }

    /** Stages 2 and 3, in the identity mode configured. */
    private static IdentityStage.Resolved resolveIdentities(
            StreamExecutionEnvironment env,
            TesseraConfig config,
            DataStream<CustomerEvent> events,
            DataStream<DefinitionUpdate> definitions) {
        if (config.identity().mode() != IdentityOptions.IdentityMode.DISTRIBUTED) {
            return IdentityStage.resolveProfiles(
                    events, definitions, config.identity(), config.profile());
        }
        if (!env.getCheckpointConfig().isCheckpointingEnabled()) {
            throw new IllegalStateException(
                    "distributed identity needs checkpointing: its loop topic is written"
                            + " exactly-once, and a transaction commits with a checkpoint");
        }
        return DistributedIdentityStage.resolveProfiles(
                events,
                definitions,
                config.identity(),
                config.profile(),
                KafkaConnectors.identityLoopSource(config.kafka()),
                KafkaConnectors.identityLoopSink(config.kafka(), config.identity().loopWrites()),
                config.identity()
                        .loopAllowance(
                                Duration.ofMillis(
                                        env.getCheckpointConfig().getCheckpointInterval())));
    }

    /**
     * Stage 5, when Personalize is configured or a replay records the requests: from the profile
     * view's output when there is one, else the identity stage's.
     */
    private static void activate(
            ActivationSettings activation,
            AttributeMap attributes,
            DataStream<ProfileUpdate> profiles,
            DataStream<ResolvedEvent> events,
            SequenceStage.View<ProfileTarget> view,
            Sinks sinks) {
        DataStream<EdgeRequest> requests =
                view.forActivation() != null
                        ? ActivationStage.planRequests(view.forActivation(), activation, attributes)
                        : ActivationStage.planRequests(profiles, events, activation, attributes);
        if (sinks.activationRequests() != null) {
            requests.sinkTo(sinks.activationRequests())
                    .uid(ACTIVATION_REQUESTS_TAP)
                    .name("Edge API requests");
        } else {
            ActivationStage.sendRequests(requests, activation, sinks.activationDeadLetters());
        }
    }
}
