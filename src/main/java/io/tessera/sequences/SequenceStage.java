package io.tessera.sequences;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentityStage;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.profile.AudienceTransition;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.OutputTag;

/**
 * Stage 4: behavioural sequence audiences with Flink CEP, one keyed CEP operator per sequence
 * audience active at job start, each with a uid derived from the audience id so a savepoint maps
 * its partial matches back; then one membership operator for them all.
 */
public final class SequenceStage {
    /** Uid of a sequence's CEP operator: {@value #CEP_UID_PREFIX}{@code <audience id>}. */
    public static final String CEP_UID_PREFIX = "sequence-cep-";

    public static final String MEMBERSHIP_UID = "sequence-membership";

    /** Uid of the choice of the events some sequence can use, before they are partitioned. */
    public static final String EVENTS_UID = "sequence-events";

    /** Uid of the one partitioning by profile of the events for every sequence. */
    public static final String EVENTS_BY_PROFILE_UID = "sequence-events-by-profile";

    public static final String PROFILE_VIEW_UID = "sequence-profile-view";

    /**
     * Uid of the sink of the sequence audiences' transitions ({@code cdp.audience-transitions}).
     */
    public static final String TRANSITIONS_SINK_UID = "sequence-audience-transitions-sink";

    /**
     * How long a partly filled network buffer on the sequences' own edges waits before it is
     * shipped (Flink's default), where the job's other edges ship after 10 ms: a match waits for
     * the watermark, which trails event time by {@code cdp.ingest.max-out-of-orderness} (a minute
     * by default), so nothing on these edges is waited for by the millisecond, while each flush of
     * a partly filled buffer costs a wake-up, a buffer and its reading on a machine with no spare
     * core.
     */
    static final long BUFFER_TIMEOUT_MS = 100;

    private SequenceStage() {}

    /**
     * The profile view's outputs.
     *
     * @param profiles the snapshots for {@code cdp.profiles}
     * @param forActivation what activation takes of the same snapshots, and the events passed on,
     *     keyed by profile id as the view is, in the view's chain; null when no events were given
     *     to pass on
     */
    public record View<A>(
            DataStream<ProfileUpdate> profiles,
            DataStream<Either<A, ResolvedEvent>> forActivation) {}

    /**
     * What the activation stage takes of each snapshot the view emits, worked out in the view.
     *
     * @param events the events activation forwards, passed on through the view
     * @param ofSnapshot what it takes of a snapshot
     * @param type its type
     */
    public record ActivationInput<A>(
            DataStream<ResolvedEvent> events,
            MapFunction<ProfileUpdate, A> ofSnapshot,
            TypeInformation<A> type) {}

    /**
     * The profile snapshots for {@code cdp.profiles}: the identity stage's, with each profile's
     * sequence audience memberships added; and for the activation stage, what it takes of the same
     * snapshots with the events it forwards, passed through the view so that activation plans in
     * the view's task.
     *
     * @param sequenceTransitions the sequence stage's transitions, or null when there are none:
     *     then there is no view, and the profiles and events come back as they are (the activation
     *     input null)
     * @param activation what activation takes, or null when profiles are not activated
     */
    public static <A> View<A> viewProfiles(
            DataStream<ProfileUpdate> profiles,
            DataStream<AudienceTransition> sequenceTransitions,
            ActivationInput<A> activation) {
        if (sequenceTransitions == null) {
            return new View<>(profiles, null);
        }
        TypeInformation<Either<AudienceTransition, ResolvedEvent>> inputType =
                new EitherTypeInfo<>(
                        sequenceTransitions.getType(), TypeInformation.of(ResolvedEvent.class));
        DataStream<Either<AudienceTransition, ResolvedEvent>> input =
                sequenceTransitions
                        .map(Either::<AudienceTransition, ResolvedEvent>Left)
                        .returns(inputType)
                        .uid(PROFILE_VIEW_UID + "-transitions")
                        .name("Transitions for the profile view");
        OutputTag<Either<A, ResolvedEvent>> activationTag = null;
        if (activation != null) {
            input =
                    input.union(
                            activation
                                    .events()
                                    .map(Either::<AudienceTransition, ResolvedEvent>Right)
                                    .returns(inputType)
                                    .uid(PROFILE_VIEW_UID + "-passed-on")
                                    .name("Events passed on through the profile view"));
            activationTag =
                    new OutputTag<>(
                            "profile-view-activation",
                            new EitherTypeInfo<>(
                                    activation.type(), TypeInformation.of(ResolvedEvent.class)));
        }
        SingleOutputStreamOperator<ProfileUpdate> viewed =
                profiles.keyBy(ProfileUpdate::profileId)
                        .connect(input.keyBy(SequenceStage::profileId))
                        .transform(
                                "Profiles with sequence memberships",
                                profiles.getType(),
                                new ProfileViewFunction.Operator<>(
                                        activationTag,
                                        activation == null ? null : activation.ofSnapshot()))
                        .uid(PROFILE_VIEW_UID)
                        .name("Profiles with sequence memberships");
        return new View<>(
                viewed, activationTag == null ? null : viewed.getSideOutput(activationTag));
    }

    private static String profileId(Either<AudienceTransition, ResolvedEvent> input) {
        return input.isLeft() ? input.left().profileId() : input.right().profileId();
    }

    /**
     * Writes the sequence audiences' transitions through a sink of their own, where the rule
     * audiences' sink stays in the chain of the task that evaluates them.
     */
    public static void writeTransitions(
            DataStream<AudienceTransition> transitions, Sink<AudienceTransition> sink) {
        transitions.sinkTo(sink).uid(TRANSITIONS_SINK_UID).name("Sequence audience transitions");
    }

    /**
     * Matches the sequences over the resolved events of each profile and keeps memberships.
     *
     * @param definitions the control topic: pausing or deleting a sequence acts at once
     * @param horizon no match or expiry after this event time is acted on (a replay's end)
     * @return the transitions, or null when no sequence audience is active
     */
    public static DataStream<AudienceTransition> matchSequences(
            DataStream<ResolvedEvent> events,
            DataStream<DefinitionUpdate> definitions,
            List<SequenceDefinition> sequences,
            long horizon) {
        return matchSequences(
                new IdentityStage.Resolved.ForSequences(events, null),
                definitions,
                sequences,
                horizon);
    }

    /**
     * Matches the sequences over the resolved events of each profile and keeps memberships.
     *
     * @param feed the resolved events, and how they are partitioned for the sequences
     * @param definitions the control topic: pausing or deleting a sequence acts at once
     * @param horizon no match or expiry after this event time is acted on (a replay's end)
     * @return the transitions, or null when no sequence audience is active
     */
    public static DataStream<AudienceTransition> matchSequences(
            IdentityStage.Resolved.ForSequences feed,
            DataStream<DefinitionUpdate> definitions,
            List<SequenceDefinition> sequences,
            long horizon) {
        if (sequences.isEmpty()) {
            return null;
        }
        boolean everyEvent = feed.partition() != null;
        SequenceFeed choice =
                everyEvent ? SequenceFeed.reducing(sequences) : SequenceFeed.choosing(sequences);
        DataStream<ResolvedEvent> chosen =
                feed.events()
                        .flatMap(choice)
                        .uid(EVENTS_UID)
                        .name("Events for sequences")
                        .setBufferTimeout(BUFFER_TIMEOUT_MS);
        DataStream<ResolvedEvent> byProfile =
                everyEvent ? feed.partition().apply(chosen) : byProfile(chosen);
        // the most the feed keeps of an event: a sequence whose steps read all of it takes every
        // event as it arrives
        SequenceEventProjection mostArriving = SequenceFeed.reducedTo(sequences);
        DataStream<SequenceMatch> matches = null;
        Map<String, SequenceDefinition> byId = new LinkedHashMap<>();
        for (SequenceDefinition sequence : sequences) {
            byId.put(sequence.id(), sequence);
            OutputTag<ResolvedEvent> lateTag = new OutputTag<>("late-" + sequence.id()) {};
            KeyedStream<ResolvedEvent, String> relevant =
                    relevantEvents(byProfile, sequence, mostArriving);
            SingleOutputStreamOperator<SequenceMatch> matched =
                    relevant.transform(
                                    "Sequence " + sequence.id(),
                                    TypeInformation.of(SequenceMatch.class),
                                    new SequenceCepOperator<>(
                                            PatternCompiler.compile(sequence),
                                            new SequenceMatchFunction(sequence),
                                            lateTag))
                            .uid(CEP_UID_PREFIX + sequence.id())
                            .name("Sequence " + sequence.id())
                            .setBufferTimeout(BUFFER_TIMEOUT_MS);
            matched.getSideOutput(lateTag)
                    .process(new LateEventCounter())
                    .uid(CEP_UID_PREFIX + sequence.id() + "-late")
                    .name("Late events of " + sequence.id())
                    .sinkTo(new DiscardingSink<>())
                    .uid(CEP_UID_PREFIX + sequence.id() + "-late-sink")
                    .name("Late events of " + sequence.id());
            matches = matches == null ? matched : matches.union(matched);
        }
        DataStream<SequenceInput> inputs =
                matches.map(SequenceInput::of)
                        .returns(TypeInformation.of(SequenceInput.class))
                        .uid(MEMBERSHIP_UID + "-matches")
                        .name("Matches for memberships")
                        .setBufferTimeout(BUFFER_TIMEOUT_MS);
        ExitCandidates exits = new ExitCandidates(sequences);
        if (!exits.none()) {
            // read after the crossing, in the event time held there, as reduced by the feed
            inputs =
                    inputs.union(
                            byProfile
                                    .flatMap(exits)
                                    .returns(TypeInformation.of(SequenceInput.class))
                                    .uid(MEMBERSHIP_UID + "-events")
                                    .name("Exits for memberships")
                                    .setBufferTimeout(BUFFER_TIMEOUT_MS));
        }
        return inputs.keyBy(SequenceInput::profileId)
                .connect(definitions.broadcast(SequenceMembershipFunction.CONTROL))
                .process(new SequenceMembershipFunction(byId, horizon))
                .uid(MEMBERSHIP_UID)
                .name("Sequence memberships")
                .setBufferTimeout(BUFFER_TIMEOUT_MS);
    }

    /**
     * The events some sequence can use, partitioned by profile once for all the sequences: each
     * sequence's CEP operator then takes its own in the same task ({@link #relevantEvents}),
     * instead of an exchange of its own per sequence. The choice is made before the exchange, in
     * the task that resolved the event ({@link SequenceFeed#choosing}), so an event no sequence
     * reads never crosses it.
     */
    private static DataStream<ResolvedEvent> byProfile(DataStream<ResolvedEvent> chosen) {
        return chosen.keyBy(ResolvedEvent::profileId)
                .map(new ByProfile())
                .uid(EVENTS_BY_PROFILE_UID)
                .name("Events for sequences by profile");
    }

    /**
     * Where the events partitioned for the sequences arrive: it passes them on unchanged to each
     * sequence's operator in its chain (a partitioning needs an operator to arrive at).
     */
    private static final class ByProfile implements MapFunction<ResolvedEvent, ResolvedEvent> {
        private static final long serialVersionUID = 1L;

        @Override
        public ResolvedEvent map(ResolvedEvent event) {
            return event;
        }
    }

    /**
     * The events of each profile the sequence can use, as its CEP operator keeps them (the events
     * arrive reduced by the {@link SequenceFeed}): the others are dropped before it, which would
     * skip them anyway but pay for buffering them in state first, and of the rest it keeps only
     * what its steps read ({@link SequenceEvents}). The events come partitioned by profile, and the
     * CEP operator stays in their chain.
     */
    private static KeyedStream<ResolvedEvent, String> relevantEvents(
            DataStream<ResolvedEvent> byProfile,
            SequenceDefinition sequence,
            SequenceEventProjection mostArriving) {
        DataStream<ResolvedEvent> relevant =
                byProfile
                        .flatMap(new SequenceEvents(sequence, mostArriving))
                        .uid(CEP_UID_PREFIX + sequence.id() + "-relevant")
                        .name("Events for " + sequence.id());
        return DataStreamUtils.reinterpretAsKeyedStream(
                relevant, ResolvedEvent::profileId, Types.STRING);
    }
}
