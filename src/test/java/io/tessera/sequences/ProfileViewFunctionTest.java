package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The profile view adds a profile's sequence memberships to each of its snapshots and re-emits the
 * last snapshot when they change; a savepoint of the layout before (the memberships as a map state)
 * restores with its memberships.
 */
class ProfileViewFunctionTest {

    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void addsTheMembershipsToEachSnapshotAndReEmitsWhenTheyChange(boolean rocksDb)
            throws Exception {
        try (var harness = view(new ProfileViewFunction.Operator<>(null, null), rocksDb)) {
            harness.open();
            ProfileState alice = profile("p-alice", "alice");
            harness.processElement1(new StreamRecord<>(new ProfileUpdate("p-alice", alice, null)));
            assertEquals(Map.of(), audiences(output(harness).get(0)));

            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-alice", true, 500))));
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-bob", true, 600))));
            ProfileState again = profile("p-alice", "alice");
            harness.processElement1(new StreamRecord<>(new ProfileUpdate("p-alice", again, null)));
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-alice", false, 900))));

            List<Object> out = output(harness);
            assertEquals(4, out.size(), "bob has no snapshot to re-emit: " + out);
            assertEquals(Map.of("repeat_viewer", 500L), audiences(out.get(1)));
            assertEquals(Map.of("repeat_viewer", 500L), audiences(out.get(2)));
            assertEquals(Map.of(), audiences(out.get(3)));
            assertEquals(Map.of(), again.audiences, "the identity stage's snapshot is not changed");
        }
    }

    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void transitionsThatComeBeforeTheFirstSnapshotWaitForItAndAreEmittedInTheirOrder(
            boolean rocksDb) throws Exception {
        try (var harness = view(new ProfileViewFunction.Operator<>(null, null), rocksDb)) {
            harness.open();
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-bob", true, 600))));
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-bob", false, 900))));
            assertEquals(List.of(), output(harness), "no snapshot of bob yet");

            harness.processElement1(
                    new StreamRecord<>(new ProfileUpdate("p-bob", profile("p-bob", "bob"), null)));
            List<Object> out = output(harness);
            assertEquals(3, out.size(), "the snapshot, then once per waiting transition: " + out);
            assertEquals(Map.of(), audiences(out.get(0)));
            assertEquals(Map.of("repeat_viewer", 600L), audiences(out.get(1)), "the entry");
            assertEquals(Map.of(), audiences(out.get(2)), "the exit");

            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-bob", true, 1200))));
            harness.processElement1(
                    new StreamRecord<>(new ProfileUpdate("p-bob", profile("p-bob", "bob"), null)));
            out = output(harness);
            assertEquals(5, out.size(), "nothing waits any more: " + out);
            assertEquals(Map.of("repeat_viewer", 1200L), audiences(out.get(3)));
            assertEquals(Map.of("repeat_viewer", 1200L), audiences(out.get(4)));
        }
    }

    @Test
    void passesActivationsInputOnEverySnapshotItEmitsAndTheForwardedEvents() throws Exception {
        OutputTag<Either<ProfileUpdate, ResolvedEvent>> activation =
                new OutputTag<>("activation") {};
        try (var harness =
                view(new ProfileViewFunction.Operator<>(activation, update -> update), true)) {
            harness.open();
            harness.processElement1(
                    new StreamRecord<>(
                            new ProfileUpdate("p-alice", profile("p-alice", "alice"), null)));
            harness.processElement2(
                    new StreamRecord<>(
                            Either.Right(SequenceFeedTest.event("Order Completed", "{}"))));
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-alice", true, 500))));
            harness.processElement1(new StreamRecord<>(new ProfileUpdate("p-alice", null, "p-b")));

            List<Object> out = output(harness);
            assertEquals(3, out.size(), "the event is not a profile: " + out);
            List<Either<ProfileUpdate, ResolvedEvent>> passed =
                    harness.getSideOutput(activation).stream().map(StreamRecord::getValue).toList();
            assertEquals(4, passed.size(), passed.toString());
            assertEquals(List.of("user_id:alice"), passed.get(0).left().snapshot().identifiers);
            assertEquals(Map.of(), passed.get(0).left().snapshot().audiences);
            assertEquals("Order Completed", passed.get(1).right().event().event());
            assertEquals(
                    Map.of("repeat_viewer", 500L),
                    passed.get(2).left().snapshot().audiences,
                    "the re-emitted snapshot, with its membership");
            assertEquals("p-b", passed.get(3).left().mergedInto(), "the removal");
        }
    }

    @ParameterizedTest(name = "RocksDB {0}")
    @ValueSource(booleans = {false, true})
    void restoresTheMembershipsOfTheLayoutBefore(boolean rocksDb) throws Exception {
        OperatorSubtaskState savepoint;
        try (var harness = layoutBefore(rocksDb)) {
            harness.open();
            harness.processElement1(
                    new StreamRecord<>(
                            new ProfileUpdate("p-alice", profile("p-alice", "alice"), null)));
            harness.processElement2(new StreamRecord<>(transition("p-alice", true, 500)));
            harness.processElement2(new StreamRecord<>(transition("p-carol", true, 700)));
            savepoint = harness.snapshot(1, 1);
        }
        ProfileViewFunction.Operator<Object> view = new ProfileViewFunction.Operator<>(null, null);
        try (var harness = view(view, rocksDb)) {
            harness.initializeState(savepoint);
            harness.open();
            assertEquals(2, view.moved, "alice's and carol's memberships");
            harness.processElement1(
                    new StreamRecord<>(
                            new ProfileUpdate("p-carol", profile("p-carol", "carol"), null)));
            harness.processElement2(
                    new StreamRecord<>(Either.Left(transition("p-alice", false, 900))));

            List<Object> out = output(harness);
            assertEquals(2, out.size());
            assertEquals(Map.of("repeat_viewer", 700L), audiences(out.get(0)));
            ProfileUpdate alice = (ProfileUpdate) out.get(1);
            assertEquals("p-alice", alice.profileId(), "the restored snapshot is re-emitted");
            assertEquals(Map.of(), alice.snapshot().audiences);
        }
    }

    /** The view as it was written before: the memberships as a map state. */
    private static final class LayoutBefore
            extends KeyedCoProcessFunction<
                    String, ProfileUpdate, AudienceTransition, ProfileUpdate> {
        private transient ValueState<ProfileState> snapshot;
        private transient MapState<String, Long> memberships;

        @Override
        public void open(OpenContext openContext) {
            snapshot = getRuntimeContext().getState(ProfileViewFunction.snapshotDescriptor());
            memberships = getRuntimeContext().getMapState(ProfileViewFunction.MEMBERSHIPS_AS_MAP);
        }

        @Override
        public void processElement1(ProfileUpdate update, Context ctx, Collector<ProfileUpdate> out)
                throws Exception {
            snapshot.update(update.snapshot());
        }

        @Override
        public void processElement2(
                AudienceTransition transition, Context ctx, Collector<ProfileUpdate> out)
                throws Exception {
            memberships.put(transition.audienceId(), transition.at());
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, ProfileUpdate, Either<AudienceTransition, ResolvedEvent>, ProfileUpdate>
            view(ProfileViewFunction.Operator operator, boolean rocksDb) throws Exception {
        var harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        operator,
                        ProfileUpdate::profileId,
                        (Either<AudienceTransition, ResolvedEvent> in) ->
                                in.isLeft() ? in.left().profileId() : in.right().profileId(),
                        Types.STRING);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return harness;
    }

    private static KeyedTwoInputStreamOperatorTestHarness<
                    String, ProfileUpdate, AudienceTransition, ProfileUpdate>
            layoutBefore(boolean rocksDb) throws Exception {
        var harness =
                new KeyedTwoInputStreamOperatorTestHarness<>(
                        new KeyedCoProcessOperator<>(new LayoutBefore()),
                        ProfileUpdate::profileId,
                        AudienceTransition::profileId,
                        Types.STRING);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return harness;
    }

    private static ProfileState profile(String id, String user) {
        return ProfileState.found(id, 100, new Identifier("user_id", user));
    }

    private static AudienceTransition transition(String profile, boolean entered, long at) {
        return new AudienceTransition(
                profile, "repeat_viewer", "Repeat viewers", 1, entered, "event", at);
    }

    private static List<Object> output(
            KeyedTwoInputStreamOperatorTestHarness<String, ProfileUpdate, ?, ProfileUpdate>
                    harness) {
        return harness.getOutput().stream()
                .map(o -> ((StreamRecord<?>) o).getValue())
                .map(Object.class::cast)
                .toList();
    }

    private static Map<String, Long> audiences(Object update) {
        return ((ProfileUpdate) update).snapshot().audiences;
    }
}
