package io.tessera.activation;

import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

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

    /** The Edge API requests, per profile in the order they must be sent. */
    public static DataStream<EdgeRequest> planRequests(
            DataStream<ProfileUpdate> profiles,
            DataStream<ResolvedEvent> events,
            ActivationSettings settings,
            AttributeMap attributes) {
        ActivationPlanner planner = new ActivationPlanner(settings, attributes);
        // Only the track events forwarded to /events cross the network to the planner.
        DataStream<ResolvedEvent> forwarded =
                events.filter(new ForwardedEvents(planner))
                        .uid(FORWARDED_EVENTS_UID)
                        .name("Events for /events");
        // What Personalize should hold is computed where the snapshot is: only that crosses the
        // network, not the whole profile.
        DataStream<ProfileTarget> targets =
                profiles.map(new Targets(planner)).uid(TARGETS_UID).name("Activation targets");
        return targets.keyBy(ProfileTarget::profileId)
                .connect(forwarded.keyBy(ResolvedEvent::profileId))
                .process(new ActivationFunction(planner, settings.coalesce()))
                .uid(PLAN_UID)
                .name("Activation requests");
    }

    /** Each profile change as the planner needs it. */
    private record Targets(ActivationPlanner planner)
            implements MapFunction<ProfileUpdate, ProfileTarget> {
        @Override
        public ProfileTarget map(ProfileUpdate update) {
            return ProfileTarget.of(update, planner);
        }
    }

    /** The events the planner forwards to {@code /events}. */
    private record ForwardedEvents(ActivationPlanner planner)
            implements FilterFunction<ResolvedEvent> {
        @Override
        public boolean filter(ResolvedEvent event) {
            return planner.forwards(event.event());
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
