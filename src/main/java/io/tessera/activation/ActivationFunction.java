package io.tessera.activation;

import io.tessera.identity.ResolvedEvent;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;

/**
 * Keyed by profile id: turns profile snapshots and forwarded events into Edge API requests. The
 * changes of one profile are gathered for the coalescing interval (processing time) and go out as
 * one request of full values; what Personalize was last told is kept per profile. One input of both
 * kinds, so that the operator can run in the chain of the task the records come from when they are
 * keyed by profile there already (the profile view's, with sequence audiences).
 */
final class ActivationFunction
        extends KeyedProcessFunction<String, Either<ProfileTarget, ResolvedEvent>, EdgeRequest> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String STATE = "activation-state";

    static final String FORWARDED = "activation-forwarded-events";

    /** How long a forwarded event's messageId is remembered, to forward it once. */
    static final Duration FORWARDED_TTL = Duration.ofDays(1);

    private final ActivationPlanner planner;
    private final long coalesceMillis;

    private transient ValueState<ActivationState> state;
    private transient MapState<String, Boolean> forwarded;
    private transient Counter skippedWithoutConsent;

    ActivationFunction(ActivationPlanner planner, Duration coalesce) {
        this.planner = planner;
        this.coalesceMillis = coalesce.toMillis();
    }

    @Override
    public void open(OpenContext openContext) {
        state =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        STATE, TypeInformation.of(ActivationState.class)));
        MapStateDescriptor<String, Boolean> forwardedDescriptor =
                new MapStateDescriptor<>(FORWARDED, Types.STRING, Types.BOOLEAN);
        forwardedDescriptor.enableTimeToLive(StateTtlConfig.newBuilder(FORWARDED_TTL).build());
        forwarded = getRuntimeContext().getMapState(forwardedDescriptor);
        skippedWithoutConsent =
                getRuntimeContext().getMetricGroup().counter("activation.withoutConsent");
    }

    @Override
    public void processElement(
            Either<ProfileTarget, ResolvedEvent> input, Context ctx, Collector<EdgeRequest> out)
            throws Exception {
        if (input.isLeft()) {
            onProfile(input.left(), ctx, out);
        } else {
            onEvent(input.right(), ctx, out);
        }
    }

    private void onProfile(ProfileTarget update, Context ctx, Collector<EdgeRequest> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        ActivationState current = current();
        if (update.isRemoval()) {
            if (update.mergedInto == null) {
                // a privacy deletion: unset what was activated
                emit(planner.erase(current, update.profileId, now), out);
            }
            state.clear();
            return;
        }
        ActivationTarget target = update.target;
        if (!target.consented && current.consented) {
            skippedWithoutConsent.inc();
        }
        if (planner.settled(current, target)) {
            return; // Personalize holds this already: no state written, no timer
        }
        if (coalesceMillis == 0) {
            emit(planner.plan(current, target, update.profileId, now), out);
            emit(planner.waitingEvents(current, update.profileId, now), out);
        } else {
            if (current.pending == null) {
                ctx.timerService().registerProcessingTimeTimer(now + coalesceMillis);
            }
            current.pending = target;
            emit(planner.waitingEvents(current, target, update.profileId, now), out);
        }
        state.update(current);
    }

    private void onEvent(ResolvedEvent event, Context ctx, Collector<EdgeRequest> out)
            throws Exception {
        if (!planner.forwards(event.event())) {
            return;
        }
        String messageId = event.event().messageId();
        if (forwarded.contains(messageId)) {
            return; // forwarded already (a replayed message)
        }
        ActivationState current = current();
        EdgeRequest request =
                planner.event(
                        current,
                        event.event(),
                        event.profileId(),
                        ctx.timerService().currentProcessingTime());
        forwarded.put(messageId, true);
        if (request != null) {
            out.collect(request);
        }
        state.update(current);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<EdgeRequest> out)
            throws Exception {
        ActivationState current = state.value();
        if (current == null || current.pending == null) {
            return; // removed meanwhile
        }
        emit(planner.plan(current, current.pending, ctx.getCurrentKey(), timestamp), out);
        emit(planner.waitingEvents(current, ctx.getCurrentKey(), timestamp), out);
        state.update(current);
    }

    private ActivationState current() throws Exception {
        ActivationState current = state.value();
        return current != null ? current : new ActivationState();
    }

    private static void emit(List<EdgeRequest> requests, Collector<EdgeRequest> out) {
        requests.forEach(out::collect);
    }
}
