package io.tessera.ingest;

/** Why a record was refused; the wire names are those of events.md. */
public enum DeadLetterReason {
    MALFORMED_JSON("malformed_json"),
    TOO_LARGE("too_large"),
    BAD_TYPE("bad_type"),
    NO_IDENTIFIER("no_identifier"),
    MISSING_EVENT("missing_event"),
    BAD_TIMESTAMP("bad_timestamp"),
    BATCH_TOO_LARGE("batch_too_large");

    private final String wireName;

    DeadLetterReason(String wireName) {
        this.wireName = wireName;
    }

    /** The reason with the given wire name. */
    public static DeadLetterReason fromWireName(String wireName) {
        for (DeadLetterReason reason : values()) {
            if (reason.wireName.equals(wireName)) {
                return reason;
            }
        }
        throw new IllegalArgumentException("unknown dead-letter reason '" + wireName + "'");
    }

    /** The machine-readable reason written to the dead-letter topic. */
    public String wireName() {
        return wireName;
    }
}
