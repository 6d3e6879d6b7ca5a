package io.tessera.sequences;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.profile.AudienceTransition;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * The profile snapshot as {@code cdp.profiles} shows it: the identity stage's snapshot (traits,
 * rule audiences) with the profile's sequence audience memberships added, keyed by profile id.
 * Downstream of both stages, so no loop is needed: it keeps the latest snapshot and the sequence
 * memberships of each profile and re-emits the combination when either changes. The memberships are
 * one small value per profile ({@link OneValueMapState}): each snapshot reads them, and as a map
 * state that read was a seek over the deletions of the memberships that ended.
 *
 * <p>When profiles are activated, the view also passes the activation stage's input on, on a side
 * output in its own chain: what activation takes of each snapshot it emits (its target, worked out
 * here, so the whole snapshot is not copied once more for it), and the events activation forwards,
 * which reach it on its second input with the transitions. Activation then plans in the view's task
 * (the records are keyed by profile id already), and a snapshot crosses the network once on its way
 * to Personalize, as it does without sequence audiences.
 *
 * <p>A transition that comes before its profile's first snapshot (both paths start at the identity
 * stage, and at a replay's end or after a restore the sequences' can be the quicker) waits for that
 * snapshot: the view then emits the snapshot as it is, then once more after each transition that
 * waited, in their order, so that activation sees an entry and an exit that both came early.
 */
final class ProfileViewFunction<A>
        extends KeyedCoProcessFunction<
                String, ProfileUpdate, Either<AudienceTransition, ResolvedEvent>, ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String SNAPSHOT = "profile-view-snapshot";

    /** The memberships as a map state (release 0.1's layout), moved on restore. */
    static final MapStateDescriptor<String, Long> MEMBERSHIPS_AS_MAP =
            new MapStateDescriptor<>(
                    "profile-view-sequence-memberships",
                    StringSerializer.INSTANCE,
                    LongSerializer.INSTANCE);

    /** The memberships, audience id to the time the profile entered. */
    static final String MEMBERSHIPS = "profile-view-memberships";

    /** The transitions that came before the profile's first snapshot, in their order. */
    static final ListStateDescriptor<AudienceTransition> WAITING =
            new ListStateDescriptor<>(
                    "profile-view-waiting", TypeInformation.of(AudienceTransition.class));

    /**
     * The key in the memberships that says transitions wait ({@link #WAITING}): no audience id
     * starts with {@code #}, and the memberships are read with every snapshot anyway, so a snapshot
     * reads the waiting transitions only when there are some.
     */
    static final String SOME_WAITING = "#waiting";

    /** The last snapshot of the identity stage. */
    static ValueStateDescriptor<ProfileState> snapshotDescriptor() {
        return new ValueStateDescriptor<>(SNAPSHOT, TypeInformation.of(ProfileState.class));
    }

    /** The activation stage's input, or null when profiles are not activated. */
    private final OutputTag<Either<A, ResolvedEvent>> activation;

    /** What the activation stage takes of a snapshot, worked out here, in the view's task. */
    private final MapFunction<ProfileUpdate, A> forActivation;

    private transient ValueState<ProfileState> snapshot;
    private transient MapState<String, Long> memberships;
    private transient ListState<AudienceTransition> waiting;

    ProfileViewFunction(
            OutputTag<Either<A, ResolvedEvent>> activation,
            MapFunction<ProfileUpdate, A> forActivation) {
        this.activation = activation;
        this.forActivation = forActivation;
    }

    @Override
    public void open(OpenContext openContext) {
        snapshot = getRuntimeContext().getState(snapshotDescriptor());
        memberships =
                new OneValueMapState<>(
                        getRuntimeContext()
                                .getState(
                                        OneValueMapState.descriptor(
                                                MEMBERSHIPS, MEMBERSHIPS_AS_MAP)));
        waiting = getRuntimeContext().getListState(WAITING);
    }

    @Override
    public void processElement1(ProfileUpdate update, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        if (update.isRemoval()) {
            snapshot.clear();
            memberships.clear();
            waiting.clear();
            emit(update, ctx, out);
            return;
        }
        snapshot.update(update.snapshot());
        Map<String, Long> held = memberships();
        emit(combined(update.snapshot(), held), ctx, out);
        if (held.containsKey(SOME_WAITING)) {
            memberships.remove(SOME_WAITING);
            for (AudienceTransition transition : waiting.get()) {
                apply(transition);
                emit(combined(update.snapshot(), memberships()), ctx, out);
            }
            waiting.clear();
        }
    }

    @Override
    public void processElement2(
            Either<AudienceTransition, ResolvedEvent> input,
            Context ctx,
            Collector<ProfileUpdate> out)
            throws Exception {
        if (input.isRight()) {
            ctx.output(activation, Either.Right(input.right())); // a forwarded event, passed on
            return;
        }
        AudienceTransition transition = input.left();
        ProfileState last = snapshot.value();
        if (last == null) {
            waiting.add(transition);
            memberships.put(SOME_WAITING, 1L);
            return;
        }
        apply(transition);
        emit(combined(last, memberships()), ctx, out);
    }

    private void apply(AudienceTransition transition) throws Exception {
        if (transition.entered()) {
            memberships.put(transition.audienceId(), transition.at());
        } else {
            memberships.remove(transition.audienceId());
        }
    }

    /** The memberships, read once (the waiting mark among them). */
    private Map<String, Long> memberships() throws Exception {
        Map<String, Long> held = new HashMap<>();
        for (Map.Entry<String, Long> entry : memberships.entries()) {
            held.put(entry.getKey(), entry.getValue());
        }
        return held;
    }

    private void emit(ProfileUpdate update, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        if (activation != null) {
            // what activation takes of it, before the snapshot is handed on (and copied) whole
            ctx.output(activation, Either.Left(forActivation.map(update)));
        }
        out.collect(update);
    }

    private static ProfileUpdate combined(ProfileState profile, Map<String, Long> held) {
        // a profile without memberships is passed on as it is
        Map<String, Long> audiences = null;
        for (Map.Entry<String, Long> entry : held.entrySet()) {
            if (!entry.getKey().equals(SOME_WAITING)) {
                if (audiences == null) {
                    audiences = new TreeMap<>(profile.audiences);
                }
                audiences.put(entry.getKey(), entry.getValue());
            }
        }
        if (audiences == null) {
            return new ProfileUpdate(profile.id, profile, null);
        }
        // the snapshot is only read from here on: a new one that shares all but its audiences
        return new ProfileUpdate(profile.id, profile.withAudiences(audiences), null);
    }

    /**
     * The view's operator: on a restore of the layout before, the memberships kept as a map state
     * are moved into the value each profile keeps.
     */
    static final class Operator<A>
            extends KeyedCoProcessOperator<
                    String,
                    ProfileUpdate,
                    Either<AudienceTransition, ResolvedEvent>,
                    ProfileUpdate> {
        private static final long serialVersionUID = 1L;

        /** How many profiles' memberships a restore moved from the layout before (for tests). */
        transient int moved;

        /**
         * @param activation where the activation stage's input goes, or null when profiles are not
         *     activated
         * @param forActivation what the activation stage takes of a snapshot (null with no
         *     activation)
         */
        Operator(
                OutputTag<Either<A, ResolvedEvent>> activation,
                MapFunction<ProfileUpdate, A> forActivation) {
            super(new ProfileViewFunction<>(activation, forActivation));
        }

        @Override
        public void initializeState(StateInitializationContext context) throws Exception {
            super.initializeState(context);
            if (context.isRestored()) {
                moved =
                        OneValueMapState.moveFromMapState(
                                getKeyedStateBackend(),
                                context.getKeyedStateStore(),
                                MEMBERSHIPS_AS_MAP,
                                MEMBERSHIPS);
            }
        }
    }
}
