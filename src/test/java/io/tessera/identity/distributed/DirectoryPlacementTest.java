package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** An identifier placed by its event, and what a delete does to that placement. */
class DirectoryPlacementTest {
    private static final String A = "anonymous_id:a";
    private static final int QUARANTINE_AFTER = 5;

    /**
     * An event leaves the identifier unplaced and its anchor's cluster takes it in; the person is
     * deleted, and the forget reaches the identifier before the placing repoint does. A later event
     * (of an earlier time) leaves it unplaced again: the cluster it would found now must not be the
     * one the first placement named, or that placement's late repoint would place the identifier in
     * the erased cluster (a randomized privacy schedule with a failure found this).
     */
    @Test
    void aLateRepointOfAPlacementAForgetEndedDoesNotPlaceTheIdentifierInTheErasedCluster() {
        RecordingOutbox<String, String> out = new RecordingOutbox<>();
        ClusterId erased = new ClusterId(907_000, "user_id:u");
        DirectoryActor.Entry entry =
                DirectoryActor.handle(
                        A,
                        DirectoryActor.Entry.NONE,
                        new Message.Probe<String, String>(
                                "e2", A, 907_000, null, null, 0, "user_id:u"),
                        QUARANTINE_AFTER,
                        out);
        ClusterId first = entry.unplaced();
        assertEquals(new ClusterId(907_001, A), first, "left unplaced by its event");

        entry =
                DirectoryActor.handle(
                        A, entry, new Message.Forget<>(erased, 907_000), QUARANTINE_AFTER, out);
        entry =
                DirectoryActor.handle(
                        A,
                        entry,
                        new Message.Probe<String, String>(
                                "e29", A, 47_000, null, null, 0, "device_id:d"),
                        QUARANTINE_AFTER,
                        out);
        ClusterId second = entry.unplaced();
        assertTrue(second.createdAt() > first.createdAt(), "a new placement: " + second);

        entry =
                DirectoryActor.handle(
                        A, entry, Message.Repoint.placing(erased, first), QUARANTINE_AFTER, out);
        assertEquals(
                second, entry.unplaced(), "the late repoint waits: it is not this placement's");
        ClusterId joined = new ClusterId(40_000, "device_id:d");
        entry =
                DirectoryActor.handle(
                        A, entry, Message.Repoint.placing(joined, second), QUARANTINE_AFTER, out);
        assertEquals(joined, entry.cluster(), "placed where the second event put it");
    }
}
