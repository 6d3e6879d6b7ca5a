package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.LoopLineage.Stamp;
import java.util.List;
import org.junit.jupiter.api.Test;

class LoopLineageTest {

    @Test
    void aFreshJobReadsItsOwnRecordsAndThoseOfATransactionalLoop() {
        LoopLineage lineage = LoopLineage.start("job/0/0");
        assertTrue(lineage.accepts(new Stamp("job/0/0", 1)));
        assertTrue(lineage.accepts(new Stamp("job/0/0", 900)));
        assertTrue(lineage.accepts(null), "unstamped: committed by a transactional loop");
        assertFalse(lineage.accepts(new Stamp("other/0/0", 1)), "no attempt of this history");
    }

    @Test
    void aRestoreKeepsTheFailedAttemptsRecordsUpToTheCheckpointAndDropsTheRest() {
        LoopLineage lineage = LoopLineage.start("job/0/0").restored(7, "job/1/7");
        assertTrue(lineage.accepts(new Stamp("job/0/0", 7)), "in flight at checkpoint 7");
        assertFalse(lineage.accepts(new Stamp("job/0/0", 8)), "written after it: a ghost");
        assertTrue(lineage.accepts(new Stamp("job/1/7", 8)));
        assertEquals("job/1/7", lineage.current());
    }

    @Test
    void anAttemptThatNeverCompletedACheckpointLeavesNothing() {
        // attempt 1 restored 7 and failed before checkpoint 8 completed; attempt 2 restores 7
        LoopLineage atSeven = LoopLineage.start("job/0/0").restored(7, "job/1/7");
        LoopLineage again = atSeven.restored(7, "job/2/7");
        assertEquals(
                List.of(
                        new LoopLineage.Attempt("job/0/0", 0),
                        new LoopLineage.Attempt("job/2/7", 7)),
                again.attempts());
        assertFalse(again.accepts(new Stamp("job/1/7", 8)), "the abandoned attempt's records");
        assertTrue(again.accepts(new Stamp("job/2/7", 8)));
    }

    @Test
    void aChainOfRestoresKeepsEachAttemptsStretch() {
        LoopLineage lineage =
                LoopLineage.start("job/0/0").restored(7, "job/1/7").restored(12, "job/2/12");
        assertTrue(lineage.accepts(new Stamp("job/1/7", 12)));
        assertFalse(lineage.accepts(new Stamp("job/1/7", 13)));
        assertFalse(lineage.accepts(new Stamp("job/0/0", 8)));
        // a new job from a savepoint: the old job's records after the savepoint are not its own
        LoopLineage resubmitted = lineage.restored(20, "job-b/0/20");
        assertTrue(resubmitted.accepts(new Stamp("job/2/12", 20)));
        assertFalse(resubmitted.accepts(new Stamp("job/2/12", 21)));
        assertTrue(resubmitted.accepts(new Stamp("job-b/0/20", 21)));
    }

    @Test
    void aLineageHasAnAttempt() {
        assertThrows(IllegalArgumentException.class, () -> LoopLineage.of(List.of()));
    }
}
