package io.tessera.ingest;

/**
 * Stable operator uids (they map savepoint state back to operators: never change one) and names of
 * the ingest stage.
 */
public final class IngestUids {
    public static final String SOURCE = "ingest-events-source";
    public static final String SOURCE_NAME = "Segment events";
    public static final String ROUTE = "ingest-route-dead-letters";
    public static final String ROUTE_NAME = "Route dead letters";
    public static final String DEDUPLICATE = "ingest-deduplicate";
    public static final String DEDUPLICATE_NAME = "Drop duplicate messageIds";
    public static final String DEAD_LETTER_SINK = "ingest-dead-letter-sink";
    public static final String DEAD_LETTER_SINK_NAME = "Event dead letters";

    private IngestUids() {}
}
