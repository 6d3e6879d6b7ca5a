package io.tessera.activation;

import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.typeutils.EitherTypeInfo;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Stage 5: activation of profiles in Contentstack Personalize through its Edge API
 * (personalize.md): requests planned per profile, then sent from Async I/O with retries,
 * per-profile order and dead letters.
 */
public final class ActivationStage {
    public static final String PLAN_UID = "activation-plan";
    public static final String SEND_UID = "activation-send";
    public static final String DEAD_LETTERS_UID = "activation-dead-letters";
    public static final String DEAD_LETTER_SINK_UID = "activation-dead-letter-sink";
    public static final String DELIVERED_UID = "activation-delivered";
    public static final String FORWARDED_EVENTS_UID = "activation-forwarded-events";
    public static final String TARGETS_UID = "activation-targets";

    private ActivationStage() {}

    /**
     * The Edge API requests, per profile in the order they must be sent, from the identity stage's
     * profiles and events: what Personalize should hold is computed where the snapshot is and only
     * that crosses the network, with the track events forwarded to {@code /events}.
     */
    public static DataStream<EdgeRequest> planRequests(
            DataStream<ProfileUpdate> profiles,
            DataStream<ResolvedEvent> events,
            ActivationSettings settings,
            AttributeMap attributes) {
        ActivationPlanner planner = new ActivationPlanner(settings, attributes);
        DataStream<Either<ProfileTarget, ResolvedEvent>> targets =
                profiles.map(new Targets(planner))
                        .returns(INPUT)
                        .uid(TARGETS_UID)
                        .name("Activation targets");
        DataStream<Either<ProfileTarget, ResolvedEvent>> forwarded =
                events.flatMap(new ForwardedEvents(new Forwards(planner)))
                        .returns(INPUT)
                        .uid(FORWARDED_EVENTS_UID)
                        .name("Events for /events");
        return plan(targets.union(forwarded).keyBy(ActivationStage::profileId), planner, settings);
    }

    /**
     * The Edge API requests from targets and forwarded events that come keyed by profile id in one
     * stream (the profile view's, which works out each snapshot's target with {@link #targets} and
     * passes on the events of {@link #forwardedEvents}): the planner runs in their task, with no
     * exchange before it.
     */
    public static DataStream<EdgeRequest> planRequests(
            DataStream<Either<ProfileTarget, ResolvedEvent>> keyedByProfile,
            ActivationSettings settings,
            AttributeMap attributes) {
        ActivationPlanner planner = new ActivationPlanner(settings, attributes);
        DataStream<Either<ProfileTarget, ResolvedEvent>> input =
                keyedByProfile
                        .map(new AsWorkedOut())
                        .returns(INPUT)
                        .uid(TARGETS_UID)
                        .name("Activation targets");
        return plan(
                DataStreamUtils.reinterpretAsKeyedStream(
                        input, ActivationStage::profileId, Types.STRING),
                planner,
                settings);
    }

    /** What the planner takes of a profile change, for a stage that works it out for it. */
    public static MapFunction<ProfileUpdate, ProfileTarget> targets(
            ActivationSettings settings, AttributeMap attributes) {
        return new TargetOf(new ActivationPlanner(settings, attributes));
    }

    /** The type of {@link #targets}' results. */
    public static TypeInformation<ProfileTarget> targetType() {
        return TypeInformation.of(ProfileTarget.class);
    }

    /** The events activation forwards to {@code /events}, for a stage that passes them on. */
    public static DataStream<ResolvedEvent> forwardedEvents(
            DataStream<ResolvedEvent> events,
            ActivationSettings settings,
            AttributeMap attributes) {
        ActivationPlanner planner = new ActivationPlanner(settings, attributes);
        return events.filter(new Forwards(planner))
                .uid(FORWARDED_EVENTS_UID)
                .name("Events for /events");
    }

    private static DataStream<EdgeRequest> plan(
            KeyedStream<Either<ProfileTarget, ResolvedEvent>, String> input,
            ActivationPlanner planner,
            ActivationSettings settings) {
        return input.process(new ActivationFunction(planner, settings.coalesce()))
                .uid(PLAN_UID)
                .name("Activation requests");
    }

    private static final TypeInformation<Either<ProfileTarget, ResolvedEvent>> INPUT =
            new EitherTypeInfo<>(
                    TypeInformation.of(ProfileTarget.class),
                    TypeInformation.of(ResolvedEvent.class));

    private static String profileId(Either<ProfileTarget, ResolvedEvent> input) {
        return input.isLeft() ? input.left().profileId() : input.right().profileId();
    }

    /** Each profile change as the planner needs it. */
    private record Targets(ActivationPlanner planner)
            implements MapFunction<ProfileUpdate, Either<ProfileTarget, ResolvedEvent>> {
        @Override
        public Either<ProfileTarget, ResolvedEvent> map(ProfileUpdate update) {
            return Either.Left(ProfileTarget.of(update, planner));
        }
    }

    /**
     * The targets as the stage before worked them out: where the released job turned snapshots into
     * targets, and a savepoint maps operators by uid, so the step keeps its uid.
     */
    private static final class AsWorkedOut
            implements MapFunction<
                    Either<ProfileTarget, ResolvedEvent>, Either<ProfileTarget, ResolvedEvent>> {
        private static final long serialVersionUID = 1L;

        @Override
        public Either<ProfileTarget, ResolvedEvent> map(Either<ProfileTarget, ResolvedEvent> in) {
            return in;
        }
    }

    /** Each profile change as the planner needs it, worked out where the change is. */
    private record TargetOf(ActivationPlanner planner)
            implements MapFunction<ProfileUpdate, ProfileTarget> {
        @Override
        public ProfileTarget map(ProfileUpdate update) {
            return ProfileTarget.of(update, planner);
        }
    }

    /** The events the planner forwards to {@code /events}. */
    private record Forwards(ActivationPlanner planner) implements FilterFunction<ResolvedEvent> {
        @Override
        public boolean filter(ResolvedEvent event) {
            return planner.forwards(event.event());
        }
    }

    /** The events the planner forwards to {@code /events}, as its input. */
    private record ForwardedEvents(Forwards forwards)
            implements FlatMapFunction<ResolvedEvent, Either<ProfileTarget, ResolvedEvent>> {
        @Override
        public void flatMap(
                ResolvedEvent event, Collector<Either<ProfileTarget, ResolvedEvent>> out) {
            if (forwards.filter(event)) {
                out.collect(Either.Right(event));
            }
        }
    }

    /**
     * Sends the requests; calls that cannot be delivered go to the dead-letter sink. Requests in
     * flight are part of checkpoints and are sent again after a restore (full values: harmless).
     */
    public static void sendRequests(
            DataStream<EdgeRequest> requests,
            ActivationSettings settings,
            Sink<EdgeOutcome> deadLetterSink) {
        DataStream<EdgeOutcome> outcomes = send(requests, settings);
        outcomes.filter(outcome -> !outcome.delivered())
                .uid(DEAD_LETTERS_UID)
                .name("Undelivered calls")
                .sinkTo(deadLetterSink)
                .uid(DEAD_LETTER_SINK_UID)
                .name("Activation dead letters");
        outcomes.filter(EdgeOutcome::delivered)
                .uid(DELIVERED_UID)
                .name("Delivered calls")
                .sinkTo(new DiscardingSink<>())
                .uid(DELIVERED_UID + "-sink")
                .name("Delivered calls");
    }

    /** The outcome of each request, sent from Async I/O. */
    public static DataStream<EdgeOutcome> send(
            DataStream<EdgeRequest> requests, ActivationSettings settings) {
        // Ordered: a checkpoint keeps the calls in flight in arrival order, so after a restore
        // they are sent again in that order (the unordered queue loses it, and an older PATCH
        // could land last). Calls still run concurrently; only outcomes wait for earlier ones.
        // The operator's timeout parks a call that holds its place too long (EdgeClient): it goes
        // on being tried out of the queue, so the queue and checkpoints keep moving.
        return AsyncDataStream.orderedWait(
                        requests,
                        new EdgeClient(settings),
                        settings.queueTimeout().toMillis(),
                        TimeUnit.MILLISECONDS,
                        settings.capacity())
                .uid(SEND_UID)
                .name("Edge API calls");
    }
}
