package io.tessera.ingest;

import io.tessera.model.CustomerEvent;

/**
 * What parsing one source record yields, one per message: either an accepted event or a dead letter
 * (exactly one of the two is set). A single stream type lets the source assign event time and
 * watermarks per Kafka partition before the two are split.
 *
 * @param event the accepted event, or null
 * @param deadLetter the dead letter, or null
 */
public record IngestRecord(CustomerEvent event, DeadLetter deadLetter) {

    /** An accepted event. */
    public static IngestRecord accepted(CustomerEvent event) {
        return new IngestRecord(event, null);
    }

    /** A refused record. */
    public static IngestRecord refused(DeadLetter deadLetter) {
        return new IngestRecord(null, deadLetter);
    }

    /** True when this is an accepted event. */
    public boolean isAccepted() {
        return event != null;
    }
}
