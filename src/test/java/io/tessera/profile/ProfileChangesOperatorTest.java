package io.tessera.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class ProfileChangesOperatorTest {
    @Test
    void eachProfilesLatestChangeGoesOutOnceWhenTheIntervalEnds() throws Exception {
        try (OneInputStreamOperatorTestHarness<ProfileUpdate, ProfileUpdate> harness = opened()) {
            harness.setProcessingTime(1_000);
            harness.processElement(snapshot("p1", 1), 10);
            harness.processElement(snapshot("p2", 1), 11);
            harness.processElement(snapshot("p1", 2), 12);
            harness.setProcessingTime(1_049);
            assertEquals(List.of(), out(harness));

            harness.setProcessingTime(1_050);
            assertEquals(List.of("p1 v2 @12", "p2 v1 @11"), out(harness));

            // the next change waits a whole interval again
            harness.setProcessingTime(1_060);
            harness.processElement(snapshot("p2", 2), 20);
            harness.setProcessingTime(1_109);
            assertEquals(2, out(harness).size());
            harness.setProcessingTime(1_110);
            assertEquals("p2 v2 @20", out(harness).get(2));
        }
    }

    @Test
    void aRemovalReplacesTheSnapshotsBeforeItAndGoesOutBeforeASnapshotAfterIt() throws Exception {
        try (OneInputStreamOperatorTestHarness<ProfileUpdate, ProfileUpdate> harness = opened()) {
            harness.setProcessingTime(0);
            harness.processElement(snapshot("loser", 1), 1);
            harness.processElement(new ProfileUpdate("loser", null, "winner"), 2);
            harness.processElement(new ProfileUpdate("gone", null, null), 3);
            // a snapshot of a profile whose removal waits: the removal is let out first
            harness.processElement(snapshot("gone", 7), 4);
            assertEquals(List.of("gone removed @3"), out(harness));
            harness.setProcessingTime(50);
            assertEquals(
                    List.of("gone removed @3", "loser merged into winner @2", "gone v7 @4"),
                    out(harness));
        }
    }

    @Test
    void theChangesWaitingGoOutBeforeAWatermarkACheckpointBarrierAndTheInputsEnd()
            throws Exception {
        try (OneInputStreamOperatorTestHarness<ProfileUpdate, ProfileUpdate> harness = opened()) {
            harness.setProcessingTime(0);
            harness.processElement(snapshot("p1", 1), 5);
            harness.processWatermark(new Watermark(5));
            assertEquals(List.of("p1 v1 @5", "watermark 5"), out(harness));

            harness.processElement(snapshot("p1", 2), 6);
            harness.prepareSnapshotPreBarrier(1);
            assertEquals("p1 v2 @6", out(harness).get(2));
            // nothing is kept in a checkpoint: the operator has no state
            assertEquals(0, harness.snapshot(1, 1).getManagedOperatorState().size());

            harness.processElement(snapshot("p1", 3), 7);
            harness.endInput();
            assertEquals("p1 v3 @7", out(harness).get(3));
            // and none is let out twice
            harness.setProcessingTime(1_000);
            assertEquals(4, out(harness).size());
        }
    }

    private static OneInputStreamOperatorTestHarness<ProfileUpdate, ProfileUpdate> opened()
            throws Exception {
        OneInputStreamOperatorTestHarness<ProfileUpdate, ProfileUpdate> harness =
                new OneInputStreamOperatorTestHarness<>(new ProfileChangesOperator(50));
        harness.open();
        return harness;
    }

    /** What went out, each as "id v<version> @<timestamp>", a removal, or a watermark. */
    private static List<String> out(OneInputStreamOperatorTestHarness<?, ?> harness) {
        List<String> out = new ArrayList<>();
        for (Object element : harness.getOutput()) {
            if (element instanceof Watermark mark) {
                out.add("watermark " + mark.getTimestamp());
                continue;
            }
            StreamRecord<?> record = (StreamRecord<?>) element;
            ProfileUpdate update = (ProfileUpdate) record.getValue();
            String what =
                    update.isRemoval()
                            ? (update.mergedInto() == null
                                    ? "removed"
                                    : "merged into " + update.mergedInto())
                            : "v" + update.snapshot().firstSeen;
            out.add(update.profileId() + " " + what + " @" + record.getTimestamp());
        }
        return out;
    }

    /** A snapshot told apart by its version (its first event time). */
    private static ProfileUpdate snapshot(String id, long version) {
        ProfileState state = new ProfileState();
        state.id = id;
        state.firstSeen = version;
        return new ProfileUpdate(id, state, null);
    }
}
