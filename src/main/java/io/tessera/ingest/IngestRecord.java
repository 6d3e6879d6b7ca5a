package io.tessera.ingest;

import io.tessera.model.CustomerEvent;

/**
 * What parsing one source record yields, one per message: either an accepted event or a dead letter
 * (exactly one of the two is set). A single stream type lets the source assign event time and
 * watermarks per Kafka partition before the two are split.
 *
 * @param event the accepted event, or null
 * @param deadLetter the dead letter, or null
 * @param key the key of the Kafka record it came in as text, or null (none, or not from Kafka)
 */
public record IngestRecord(CustomerEvent event, DeadLetter deadLetter, String key) {

    /** An accepted event, from a record without a key. */
    public static IngestRecord accepted(CustomerEvent event) {
        return new IngestRecord(event, null, null);
    }

    /** An accepted event from a record with the given key (null: none). */
    public static IngestRecord accepted(CustomerEvent event, String key) {
        return new IngestRecord(event, null, key);
    }

    /** A refused record. */
    public static IngestRecord refused(DeadLetter deadLetter) {
        return new IngestRecord(null, deadLetter, null);
    }

    /** True when this is an accepted event. */
    public boolean isAccepted() {
        return event != null;
    }
}
