package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.definitions.DefinitionUpdate;
import java.time.Duration;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ClusterWatermarksTest {
    @Test
    void theClustersEventTimeWaitsForEveryEventNotYetSettledInACluster() throws Exception {
        try (var harness = opened()) {
            harness.processElement(counts(new long[] {5_000, 6_000}, 1, 1), 0);
            harness.processWatermark(new Watermark(60_000));
            assertEquals(List.of(new Watermark(4_999)), watermarks(harness));

            // 6,000 settled on one Cluster subtask, 5,000 still crossing the loop
            harness.processElement(counts(new long[] {6_000}, -1), 0);
            assertEquals(List.of(new Watermark(4_999)), watermarks(harness));

            harness.processElement(counts(new long[] {5_000}, -1), 0);
            assertEquals(List.of(new Watermark(4_999), new Watermark(60_000)), watermarks(harness));
            assertEquals(
                    List.of(),
                    harness.extractOutputValues(),
                    "no records: only a watermark beside the definitions");
        }
    }

    @Test
    void anEventHeldForItsOrderIsSettledWhileHeldAndInsideAgainWhenPassedOn() throws Exception {
        try (var harness = opened()) {
            harness.processElement(counts(new long[] {5_000}, 1), 0);
            harness.processWatermark(new Watermark(9_000));
            // held in a cluster for its order: that cluster's own event time releases it
            harness.processElement(counts(new long[] {5_000}, -1), 0);
            // the cluster merges away and passes it on to its winner, through the loop
            harness.processElement(counts(new long[] {5_000}, 1), 0);
            harness.processWatermark(new Watermark(10_000));
            harness.processElement(counts(new long[] {5_000}, -1), 0);
            assertEquals(
                    List.of(new Watermark(4_999), new Watermark(9_000), new Watermark(10_000)),
                    watermarks(harness));
        }
    }

    @Test
    void anIdleInputLeavesTheOutputActiveAndTheEndOfEventTimePassesAtOnce() throws Exception {
        try (var harness = opened()) {
            harness.processElement(counts(new long[] {5_000}, 1), 0);
            harness.processWatermark(new Watermark(9_000));
            harness.processWatermarkStatus(WatermarkStatus.IDLE);
            harness.processWatermark(new Watermark(Long.MAX_VALUE));
            assertEquals(
                    List.of(new Watermark(4_999), new Watermark(Long.MAX_VALUE)),
                    harness.getOutput().stream().toList(),
                    "no idle status: the Clusters' own inputs must not run past the event inside");
        }
    }

    @Test
    void theCountsSurviveARestoreAndAnEventLostForThePatienceIsGivenUp() throws Exception {
        OperatorSubtaskState snapshot;
        try (var harness = opened()) {
            harness.processElement(counts(new long[] {5_000, 8_000}, 1, 1), 0);
            harness.processElement(counts(new long[] {8_000}, -1), 0);
            snapshot = harness.snapshot(1, 1);
        }
        try (var restored = harness()) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processWatermark(new Watermark(9_000));
            assertEquals(List.of(new Watermark(4_999)), watermarks(restored));
            restored.setProcessingTime(Duration.ofMinutes(2).toMillis());
            assertEquals(List.of(new Watermark(4_999), new Watermark(9_000)), watermarks(restored));
        }
    }

    @Test
    void aCountsRecordOfTheLoopReadsBackAndAnotherFormatIsRefusedByName() {
        LoopProgress read =
                LoopProgress.fromRecord(counts(new long[] {5_000, 6_000}, -1, 2).toRecord());
        assertEquals(List.of(5_000L, 6_000L), java.util.Arrays.stream(read.times).boxed().toList());
        assertEquals(List.of(-1, 2), java.util.Arrays.stream(read.deltas).boxed().toList());
        byte[] newer = counts(new long[] {5_000}, 1).toRecord();
        newer[0] = 2;
        IllegalArgumentException refused =
                org.junit.jupiter.api.Assertions.assertThrows(
                        IllegalArgumentException.class, () -> LoopProgress.fromRecord(newer));
        assertEquals(
                "a progress record of the identity loop in format 2, newer than this release"
                        + " reads (1)",
                refused.getMessage());
    }

    private static LoopProgress counts(long[] times, int... deltas) {
        return new LoopProgress(times, deltas, null);
    }

    private static List<Object> watermarks(
            OneInputStreamOperatorTestHarness<LoopProgress, DefinitionUpdate> harness) {
        return harness.getOutput().stream().filter(o -> o instanceof Watermark).toList();
    }

    private static OneInputStreamOperatorTestHarness<LoopProgress, DefinitionUpdate> harness()
            throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new ClusterWatermarks(Duration.ofMinutes(1)));
    }

    private static OneInputStreamOperatorTestHarness<LoopProgress, DefinitionUpdate> opened()
            throws Exception {
        var harness = harness();
        harness.open();
        return harness;
    }
}
