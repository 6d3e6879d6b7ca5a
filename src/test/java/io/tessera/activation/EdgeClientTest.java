package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.operators.async.AsyncWaitOperatorFactory;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Edge API client in Flink's Async I/O operator (test harness) against the Personalize
 * simulator on loopback: retries, per-profile order, dead letters, snapshot and restore.
 */
class EdgeClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private PersonalizeSimulator simulator;
    private ActivationSettings settings;

    @BeforeEach
    void startSimulator() throws Exception {
        simulator =
                PersonalizeSimulator.start(
                        new SimulatorConfig("project-1", true, Set.of("n"), List.of()), 0);
        settings = settings(Duration.ofMinutes(1), Duration.ofSeconds(5));
    }

    @AfterEach
    void stopSimulator() {
        simulator.close();
    }

    @Test
    @Timeout(60)
    void anOutageOf503sThen429sDeliversEveryCallInOrderPerProfile() throws Exception {
        simulator.faults().unavailableNext(25).tooManyNext(25, 0);
        List<EdgeRequest> requests = new ArrayList<>();
        for (int n = 1; n <= 10; n++) {
            for (int user = 0; user < 5; user++) {
                requests.add(patch("P" + user, "u" + user, n));
            }
        }

        List<EdgeOutcome> outcomes = send(requests, null).outcomes();

        assertEquals(50, outcomes.size());
        assertTrue(outcomes.stream().allMatch(EdgeOutcome::delivered), "none to the dead letters");
        assertEquals(25, callsAnswered(503), "the outage happened");
        assertEquals(25, callsAnswered(429));
        for (int user = 0; user < 5; user++) {
            assertEquals(
                    List.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
                    deliveredValues("u" + user),
                    "u" + user + ": each PATCH once, in order");
            assertEquals(10, simulator.attributes("u" + user).get("n").asInt());
        }
    }

    @Test
    @Timeout(60)
    void aCallParkedOutOfTheQueueIsKeptAtASnapshotAndDeliveredInOrderAfterARestore()
            throws Exception {
        simulator.faults().unavailableNext(Integer.MAX_VALUE);
        OperatorSubtaskState snapshot;
        try (OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness = harness(100)) {
            harness.open();
            harness.processElement(new StreamRecord<>(patch("P1", "u1", 1)));
            harness.processElement(new StreamRecord<>(patch("P1", "u1", 2)));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (callsAnswered(503) == 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait(); // the first attempt is on its way to the edge
            }
            harness.setProcessingTime(200); // both held their place past the queue timeout
            assertTrue(harness.extractOutputValues().isEmpty(), "parked, not ended");
            snapshot = harness.snapshot(1, 200);
        }
        assertTrue(callsAnswered(503) > 0, "the edge was down");
        simulator.faults().clear();

        List<EdgeOutcome> outcomes = new ArrayList<>();
        try (OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness = harness(100)) {
            harness.initializeState(snapshot);
            harness.open();
            harness.processElement(new StreamRecord<>(patch("P1", "u1", 3)));
            harness.endInput();
            outcomes.addAll(harness.extractOutputValues());
        }

        assertEquals(List.of(1, 2, 3), deliveredValues("u1"), "the parked calls first, in order");
        assertEquals(3, outcomes.size(), "the parked calls' outcomes go out with the next one");
        assertTrue(outcomes.stream().allMatch(EdgeOutcome::delivered));
    }

    @Test
    @Timeout(60)
    void aRefusedCallEndsUndeliveredAfterOneAttemptAndOthersGoOn() throws Exception {
        EdgeRequest refused =
                new EdgeRequest("P1", EdgeRequest.ATTRIBUTES, "u1", "{\"undeclared\":1}", 0);

        List<EdgeOutcome> outcomes = send(List.of(refused, patch("P2", "u2", 7)), null).outcomes();

        Map<String, EdgeOutcome> byUser = new TreeMap<>();
        outcomes.forEach(o -> byUser.put(o.request().userUid(), o));
        EdgeOutcome deadLetter = byUser.get("u1");
        assertEquals(400, deadLetter.status());
        assertEquals(1, deadLetter.attempts());
        assertEquals("refused by the edge", deadLetter.error());
        assertTrue(deadLetter.response().contains("unknown attribute undeclared"));
        assertTrue(byUser.get("u2").delivered());
        assertEquals(7, simulator.attributes("u2").get("n").asInt());
    }

    @Test
    @Timeout(60)
    void aUserUidThatCannotTravelInAHeaderIsADeadLetterAndTheProfilesCallsAfterItGoOn()
            throws Exception {
        List<EdgeRequest> requests =
                List.of(
                        patch("P1", "\u7528\u6237-1", 1),
                        patch("P1", "u1\r\nX-Injected: 1", 2),
                        patch("P1", "u1", 3),
                        patch("P2", "u2", 4));

        List<EdgeOutcome> outcomes = send(requests, null).outcomes();

        assertEquals(4, outcomes.size(), "every call ended, none left pending");
        Map<String, EdgeOutcome> byUser = new TreeMap<>();
        outcomes.forEach(o -> byUser.put(o.request().userUid(), o));
        for (String unsendable : List.of("\u7528\u6237-1", "u1\r\nX-Injected: 1")) {
            EdgeOutcome deadLetter = byUser.get(unsendable);
            assertEquals("unsendable_uid", deadLetter.error());
            assertEquals(1, deadLetter.attempts());
        }
        assertEquals(3, simulator.attributes("u1").get("n").asInt());
        assertEquals(4, simulator.attributes("u2").get("n").asInt());
    }

    @Test
    @Timeout(60)
    void anExceptionInTheAsyncPathFailsTheJobWithItsCauseInsteadOfLeavingTheCallPending()
            throws Exception {
        ActivationSettings healthy = settings;
        settings =
                new ActivationSettings(
                        healthy.edgeUrl(),
                        healthy.projectUid(),
                        "Bearer broken\r\nX-Injected: 1", // a setting no request can carry
                        healthy.userUidTypes(),
                        healthy.eventKeys(),
                        healthy.coalesce(),
                        healthy.capacity(),
                        healthy.requestTimeout(),
                        healthy.retryBudget(),
                        healthy.queueTimeout(),
                        healthy.backoffInitial(),
                        healthy.backoffMax(),
                        healthy.rateLimit(),
                        healthy.consentCategory());

        try (OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness = harness()) {
            harness.getEnvironment().setExpectedExternalFailureCause(Throwable.class);
            harness.open();
            harness.processElement(new StreamRecord<>(patch("P1", "u1", 1)));
            harness.endInput(); // returns: the call ended, though not delivered

            Throwable failure =
                    harness.getEnvironment().getActualExternalFailureCause().orElseThrow();
            assertTrue(
                    java.util.stream.Stream.iterate(failure, t -> t != null, Throwable::getCause)
                            .anyMatch(t -> t instanceof IllegalArgumentException),
                    failure.toString());
            assertTrue(harness.extractOutputValues().isEmpty(), "not a dead letter: a bug");
        }
    }

    @Test
    @Timeout(60)
    void retriesEndWhenTheBudgetIsSpent() throws Exception {
        settings = settings(Duration.ofMillis(300), Duration.ofSeconds(5));
        simulator.faults().unavailableNext(Integer.MAX_VALUE);

        EdgeOutcome outcome = send(List.of(patch("P1", "u1", 1)), null).outcomes().get(0);

        assertEquals(503, outcome.status());
        assertTrue(outcome.attempts() > 1, "retried before giving up: " + outcome.attempts());
        assertEquals("retry budget of PT0.3S exhausted", outcome.error());
    }

    @Test
    @Timeout(60)
    void connectionResetsAreRetried() throws Exception {
        simulator.faults().resetNext(3);

        EdgeOutcome outcome = send(List.of(patch("P1", "u1", 1)), null).outcomes().get(0);

        assertTrue(outcome.delivered());
        assertEquals(4, outcome.attempts());
    }

    @Test
    @Timeout(60)
    void anAttemptThatTimesOutIsRetried() throws Exception {
        settings = settings(Duration.ofMinutes(1), Duration.ofMillis(200));
        simulator.faults().slowNext(2, Duration.ofSeconds(2));

        EdgeOutcome outcome = send(List.of(patch("P1", "u1", 1)), null).outcomes().get(0);

        assertTrue(outcome.delivered());
        assertEquals(3, outcome.attempts(), "two timeouts, then an answer");
    }

    @Test
    @Timeout(60)
    void callsInFlightAtASnapshotAreSentAgainAfterRestore() throws Exception {
        OperatorSubtaskState snapshot;
        try (PersonalizeSimulator down =
                PersonalizeSimulator.start(SimulatorConfig.open("project-1"), 0)) {
            // the edge as the failed task saw it: down; its calls never got through
            down.faults().unavailableNext(Integer.MAX_VALUE);
            ActivationSettings healthy = settings;
            settings = settings.toEdge(down.url(), "project-1");
            try (OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> before = harness()) {
                before.open();
                for (int n = 1; n <= 3; n++) {
                    before.processElement(new StreamRecord<>(patch("P1", "u1", n)));
                }
                snapshot = before.snapshot(1, 1);
            }
            settings = healthy;
        }

        Run after = send(List.of(), snapshot);

        assertEquals(3, after.outcomes().size());
        assertTrue(after.outcomes().stream().allMatch(EdgeOutcome::delivered));
        assertEquals(List.of(1, 2, 3), deliveredValues("u1"), "re-sent in order");
        assertEquals(3, simulator.attributes("u1").get("n").asInt(), "the same final value");
    }

    private record Run(List<EdgeOutcome> outcomes) {}

    /** Sends the requests through a fresh operator (restored from the snapshot if given). */
    private Run send(List<EdgeRequest> requests, OperatorSubtaskState restore) throws Exception {
        try (OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness = harness()) {
            if (restore != null) {
                harness.initializeState(restore);
            }
            harness.open();
            for (EdgeRequest request : requests) {
                harness.processElement(new StreamRecord<>(request));
            }
            harness.endInput(); // waits for every call to end
            return new Run(new ArrayList<>(harness.extractOutputValues()));
        }
    }

    private OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness() throws Exception {
        return harness(0);
    }

    /** The operator with a queue timeout in ms (0: none). */
    private OneInputStreamOperatorTestHarness<EdgeRequest, EdgeOutcome> harness(long queueTimeout)
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new AsyncWaitOperatorFactory<>(
                        new EdgeClient(settings),
                        queueTimeout,
                        100,
                        AsyncDataStream.OutputMode.ORDERED),
                TypeInformation.of(EdgeRequest.class).createSerializer(new SerializerConfigImpl()));
    }

    private ActivationSettings settings(Duration budget, Duration requestTimeout) {
        ActivationSettings base =
                ActivationPlannerTest.settings("").toEdge(simulator.url(), "project-1");
        return new ActivationSettings(
                base.edgeUrl(),
                base.projectUid(),
                null,
                base.userUidTypes(),
                base.eventKeys(),
                base.coalesce(),
                100,
                requestTimeout,
                budget,
                base.queueTimeout(),
                Duration.ofMillis(5),
                Duration.ofMillis(50),
                10_000,
                base.consentCategory());
    }

    private static EdgeRequest patch(String profile, String user, int n) {
        return new EdgeRequest(profile, EdgeRequest.ATTRIBUTES, user, "{\"n\":" + n + "}", 0);
    }

    private long callsAnswered(int status) {
        return simulator.calls().stream().filter(c -> c.status() == status).count();
    }

    private List<Integer> deliveredValues(String user) throws Exception {
        List<Integer> values = new ArrayList<>();
        for (PersonalizeSimulator.Call call : simulator.calls()) {
            if (call.status() == 204
                    && user.equals(call.headers().get("x-cs-personalize-user-uid"))) {
                values.add(JSON.readTree(call.body()).path("n").asInt());
            }
        }
        return values;
    }
}
