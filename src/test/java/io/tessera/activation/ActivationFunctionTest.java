package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.types.Either;
import org.junit.jupiter.api.Test;

/** The planning operator in Flink's harness (RocksDB): coalescing by processing time, events. */
class ActivationFunctionTest {
    private static final AttributeMap ATTRIBUTES =
            new AttributeMap(Map.of("orders", "cdp_orders"), Map.of());
    private static final ActivationPlanner PLANNER =
            new ActivationPlanner(
                    ActivationPlannerTest.settings("Order Completed:purchase"), ATTRIBUTES);

    @Test
    void aChangeNoAttributeShowsWritesNoStateAndArmsNoTimer() throws Exception {
        try (var harness = harness(Duration.ofMillis(250), null)) {
            harness.setProcessingTime(1_000);
            harness.processElement(Either.Left(snapshot(3)), 0);
            harness.setProcessingTime(1_250);
            assertEquals(List.of("u1 {\"cdp_orders\":3}"), bodies(harness));

            harness.processElement(Either.Left(snapshot(3)), 0); // say, a page view: counters only
            assertEquals(0, harness.numProcessingTimeTimers(), "nothing pending");
            harness.processElement(Either.Left(snapshot(4)), 0);
            assertEquals(1, harness.numProcessingTimeTimers());
            harness.processElement(Either.Left(snapshot(3)), 0); // back before the interval ended
            harness.setProcessingTime(1_500);
            assertEquals(
                    List.of("u1 {\"cdp_orders\":3}"),
                    bodies(harness),
                    "the pending change went back to what Personalize holds: nothing sent");
        }
    }

    @Test
    void changesWithinTheIntervalGoOutAsOneCallOfTheLatestValues() throws Exception {
        try (var harness = harness(Duration.ofMillis(250), null)) {
            harness.setProcessingTime(1_000);
            harness.processElement(Either.Left(snapshot(1)), 0);
            harness.setProcessingTime(1_100);
            harness.processElement(Either.Left(snapshot(2)), 0);
            harness.processElement(Either.Left(snapshot(3)), 0);
            assertEquals(List.of(), bodies(harness), "nothing before the interval ends");

            harness.setProcessingTime(1_250);
            assertEquals(List.of("u1 {\"cdp_orders\":3}"), bodies(harness));

            harness.setProcessingTime(1_400);
            harness.processElement(Either.Left(snapshot(4)), 0);
            harness.setProcessingTime(1_650);
            assertEquals(
                    List.of("u1 {\"cdp_orders\":3}", "u1 {\"cdp_orders\":4}"), bodies(harness));
        }
    }

    @Test
    void aPendingChangeSurvivesASnapshotAndGoesOutAfterRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = harness(Duration.ofMillis(250), null)) {
            harness.setProcessingTime(1_000);
            harness.processElement(Either.Left(snapshot(5)), 0);
            snapshot = harness.snapshot(1, 1_000);
        }
        try (var restored = harness(Duration.ofMillis(250), snapshot)) {
            restored.setProcessingTime(1_250);
            assertEquals(List.of("u1 {\"cdp_orders\":5}"), bodies(restored));
        }
    }

    @Test
    void aConfiguredEventIsForwardedOncePerMessageId() throws Exception {
        try (var harness = harness(Duration.ZERO, null)) {
            harness.processElement(Either.Left(snapshot(1)), 0);
            ResolvedEvent order = order("m-1");
            harness.processElement(Either.Right(order), 0);
            harness.processElement(Either.Right(order), 0); // redelivered
            harness.processElement(Either.Right(order("m-2")), 0);

            assertEquals(
                    List.of(
                            "u1 {\"cdp_orders\":1}",
                            "u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]",
                            "u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]"),
                    bodies(harness));
        }
    }

    @Test
    void anOrderThatOvertookItsUsersSnapshotGoesOutWithTheSnapshotNotAfterTheInterval()
            throws Exception {
        try (var harness = harness(Duration.ofMillis(250), null)) {
            harness.setProcessingTime(1_000);
            harness.processElement(
                    Either.Right(order("m1")), 0); // the login's snapshot is still on its way
            assertEquals(List.of(), bodies(harness), "no user to send it under yet");

            harness.setProcessingTime(1_020);
            harness.processElement(Either.Left(snapshot(1)), 0);
            assertEquals(
                    List.of("u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]"),
                    bodies(harness),
                    "the order goes out as soon as a snapshot names its user");

            harness.setProcessingTime(1_270);
            assertEquals(
                    List.of(
                            "u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]",
                            "u1 {\"cdp_orders\":1}"),
                    bodies(harness),
                    "the attributes after the interval, the order not again");
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<
                    String, Either<ProfileTarget, ResolvedEvent>, EdgeRequest>
            harness(Duration coalesce, OperatorSubtaskState restore) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new ActivationFunction(PLANNER, coalesce)),
                        (Either<ProfileTarget, ResolvedEvent> in) ->
                                in.isLeft() ? in.left().profileId() : in.right().profileId(),
                        Types.STRING,
                        128,
                        1,
                        0);
        harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        if (restore != null) {
            harness.initializeState(restore);
        }
        harness.open();
        return harness;
    }

    private static ProfileTarget snapshot(int orders) {
        ProfileState profile = new ProfileState();
        profile.id = "P1";
        profile.identifiers.add("user_id:u1");
        profile.traitValues.put("orders", Integer.toString(orders));
        return ProfileTarget.of(new ProfileUpdate("P1", profile, null), PLANNER);
    }

    private static ResolvedEvent order(String messageId) {
        return new ResolvedEvent(
                "P1",
                new CustomerEvent(
                        messageId,
                        "track",
                        "Order Completed",
                        0,
                        List.of(new Identifier("user_id", "u1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }

    private static List<String> bodies(
            KeyedOneInputStreamOperatorTestHarness<
                            String, Either<ProfileTarget, ResolvedEvent>, EdgeRequest>
                    harness) {
        return harness.extractOutputValues().stream()
                .map(r -> r.userUid() + " " + r.body())
                .toList();
    }
}
