package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class InFlightWatermarksTest {
    private static final int MAX_PARALLELISM = 128;

    @Test
    void eventTimeStaysBelowAnEventStillCrossingTheLoopUntilItArrives() throws Exception {
        try (var harness = opened(2, 0)) {
            String first = profileOn(0, 2);
            String second = profileOn(0, 2, first);
            harness.processElement2(entered(5_000, 6_000, 7_000), 0);
            harness.processElement1(resolved(first, "track", 6_000), 6_000);
            // event time of the events has run far ahead (a backlog): 5,000 is still inside
            harness.processBothWatermarks(new Watermark(60_000));
            assertEquals(List.of(new Watermark(4_999)), watermarks(harness));

            harness.processElement1(resolved(second, "track", 5_000), 5_000);
            assertEquals(List.of(new Watermark(4_999), new Watermark(6_999)), watermarks(harness));
            // the one left at 7,000 leaves on another subtask: its count comes over the broadcast
            harness.processElement2(left(7_000, profileOn(1, 2)), 0);
            assertEquals(
                    List.of(new Watermark(4_999), new Watermark(6_999), new Watermark(60_000)),
                    watermarks(harness));
            assertEquals(
                    List.of(first, second),
                    harness.extractOutputValues().stream().map(ResolvedEvent::profileId).toList());
        }
    }

    @Test
    void aCountOfAnEventComingHereWaitsForTheEventItself() throws Exception {
        try (var harness = opened(2, 0)) {
            String here = profileOn(0, 2);
            harness.processElement2(entered(5_000), 0);
            // the credit's count overtook the event on another channel
            harness.processElement2(left(5_000, here), 0);
            harness.processBothWatermarks(new Watermark(9_000));
            assertEquals(List.of(new Watermark(4_999)), watermarks(harness));

            harness.processElement1(resolved(here, "track", 5_000), 5_000);
            assertEquals(List.of(new Watermark(4_999), new Watermark(9_000)), watermarks(harness));
        }
    }

    @Test
    void aDeleteIsNoEventToWaitForAndTheEndOfEventTimePassesAtOnce() throws Exception {
        try (var harness = opened(1, 0)) {
            harness.processElement2(entered(5_000), 0);
            harness.processElement1(resolved("p1", "delete", 5_000), 5_000);
            harness.processBothWatermarks(new Watermark(9_000));
            harness.processBothWatermarks(new Watermark(Long.MAX_VALUE));
            assertEquals(
                    List.of(new Watermark(4_999), new Watermark(Long.MAX_VALUE)),
                    watermarks(harness));
        }
    }

    @Test
    void theCountsSurviveARestoreAndAnEventLostForThePatienceIsGivenUp() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = opened(1, 0)) {
            harness.processElement2(entered(5_000, 8_000), 0);
            harness.processElement1(resolved("p1", "track", 8_000), 8_000);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness(1, 0)) {
            restored.setProcessingTime(100_000);
            restored.initializeState(snapshot);
            restored.open();
            restored.processBothWatermarks(new Watermark(9_000));
            assertEquals(List.of(new Watermark(4_999)), watermarks(restored));
            restored.setProcessingTime(100_000 + Duration.ofMinutes(1).toMillis() + 1_000);
            assertEquals(List.of(new Watermark(4_999), new Watermark(9_000)), watermarks(restored));
        }
    }

    @Test
    void eventsCountedOutThatNeverCountedInAreForgottenOnceEventTimePassesThem() {
        InFlight inFlight = new InFlight();
        // restored from a release before the counting: an event then in the loop leaves now
        inFlight.add(5_000, -1, 0);
        inFlight.add(7_000, 1, 0);
        inFlight.forgetUnbalancedUpTo(6_000);
        assertEquals(1, inFlight.size());
        assertEquals(7_000, inFlight.earliest());
        inFlight.add(7_000, -1, 0);
        assertEquals(0, inFlight.size());
        assertEquals(Long.MAX_VALUE, inFlight.earliest());
    }

    @Test
    void theCountersSendWhatTheyCountedBeforeTheWatermark() throws Exception {
        try (var harness =
                new OneInputStreamOperatorTestHarness<Long, LoopProgress>(
                        new ProgressCounters.Times(1))) {
            harness.open();
            harness.processElement(new StreamRecord<>(5_000L));
            harness.processElement(new StreamRecord<>(5_000L));
            harness.processElement(new StreamRecord<>(6_000L));
            harness.processWatermark(new Watermark(6_000));
            harness.prepareSnapshotPreBarrier(1);
            List<Object> output = new ArrayList<>(harness.getOutput());
            assertEquals(2, output.size(), output.toString());
            LoopProgress sent = (LoopProgress) ((StreamRecord<?>) output.get(0)).getValue();
            assertEquals("LoopProgress[5000, 6000][2, 1]", sent.toString());
            assertEquals(new Watermark(6_000), output.get(1));
        }
        try (var harness =
                new OneInputStreamOperatorTestHarness<ResolvedEvent, ResolvedEvent>(
                        new ProgressCounters.Credits())) {
            harness.open();
            harness.processElement(new StreamRecord<>(resolved("p1", "track", 5_000), 5_000));
            harness.processElement(new StreamRecord<>(resolved("p1", "delete", 5_000), 5_000));
            harness.prepareSnapshotPreBarrier(1);
            assertEquals(2, harness.extractOutputValues().size());
            var left = new ArrayList<>(harness.getSideOutput(ProgressCounters.Credits.LEFT));
            assertEquals(1, left.size());
            assertEquals(
                    "LoopProgress[5000][-1][" + "p1".hashCode() + "]",
                    left.get(0).getValue().toString());
        }
    }

    @Test
    void theCountersSendSoonWhenNoWatermarkComes() throws Exception {
        try (var harness =
                new OneInputStreamOperatorTestHarness<Long, LoopProgress>(
                        new ProgressCounters.Times(1))) {
            harness.setProcessingTime(0);
            harness.open();
            harness.processElement(new StreamRecord<>(5_000L));
            harness.setProcessingTime(ProgressCounters.Counter.SEND_AFTER - 1);
            assertEquals(0, harness.getOutput().size());
            harness.processElement(new StreamRecord<>(6_000L));
            harness.setProcessingTime(ProgressCounters.Counter.SEND_AFTER);
            List<Object> output = new ArrayList<>(harness.getOutput());
            assertEquals(1, output.size(), output.toString());
            assertEquals(
                    "LoopProgress[5000, 6000][1, 1]",
                    ((StreamRecord<?>) output.get(0)).getValue().toString());
            // nothing counted since: nothing more is sent, however long the input pauses
            harness.setProcessingTime(10 * ProgressCounters.Counter.SEND_AFTER);
            assertEquals(1, harness.getOutput().size());
        }
        try (var harness =
                new OneInputStreamOperatorTestHarness<ResolvedEvent, ResolvedEvent>(
                        new ProgressCounters.Credits())) {
            harness.setProcessingTime(0);
            harness.open();
            harness.processElement(new StreamRecord<>(resolved("p1", "track", 5_000), 5_000));
            assertEquals(
                    0,
                    harness.getSideOutput(ProgressCounters.Credits.LEFT) == null
                            ? 0
                            : harness.getSideOutput(ProgressCounters.Credits.LEFT).size());
            harness.setProcessingTime(ProgressCounters.Counter.SEND_AFTER);
            assertEquals(1, harness.getSideOutput(ProgressCounters.Credits.LEFT).size());
        }
    }

    private static List<Object> watermarks(
            TwoInputStreamOperatorTestHarness<ResolvedEvent, LoopProgress, ResolvedEvent> harness) {
        return harness.getOutput().stream().filter(o -> o instanceof Watermark).toList();
    }

    private static TwoInputStreamOperatorTestHarness<ResolvedEvent, LoopProgress, ResolvedEvent>
            harness(int parallelism, int index) throws Exception {
        return new TwoInputStreamOperatorTestHarness<>(
                new InFlightWatermarks(Duration.ofMinutes(1)), MAX_PARALLELISM, parallelism, index);
    }

    private static TwoInputStreamOperatorTestHarness<ResolvedEvent, LoopProgress, ResolvedEvent>
            opened(int parallelism, int index) throws Exception {
        var harness = harness(parallelism, index);
        harness.open();
        return harness;
    }

    /** A profile id whose events go to the given subtask. */
    private static String profileOn(int index, int parallelism, String... not) {
        for (int i = 0; ; i++) {
            String id = "p" + i;
            if (!List.of(not).contains(id)
                    && KeyGroupRangeAssignment.assignKeyToParallelOperator(
                                    id, MAX_PARALLELISM, parallelism)
                            == index) {
                return id;
            }
        }
    }

    private static LoopProgress entered(long... times) {
        int[] deltas = new int[times.length];
        java.util.Arrays.fill(deltas, 1);
        return new LoopProgress(times, deltas, null);
    }

    private static LoopProgress left(long time, String profileId) {
        return new LoopProgress(
                new long[] {time}, new int[] {-1}, new int[] {profileId.hashCode()});
    }

    private static ResolvedEvent resolved(String profileId, String type, long time) {
        return new ResolvedEvent(
                profileId,
                new CustomerEvent(
                        "m-" + profileId + "-" + time,
                        type,
                        null,
                        time,
                        List.of(new Identifier("anonymous_id", "a-" + profileId)),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }
}
