package io.tessera.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/**
 * Resolves a message's event time (events.md, "Event time"): {@code timestamp}; else Segment's
 * clock-skew correction {@code receivedAt - (sentAt - originalTimestamp)}; else {@code
 * originalTimestamp}; else the record timestamp. Refuses unparseable and absurd times.
 */
public final class EventTimeResolver implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Nothing before this instant is a real event of this product's users. */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");

    private static final String[] FIELDS = {
        "timestamp", "originalTimestamp", "sentAt", "receivedAt"
    };

    /** ISO-8601 date-times with an offset, written {@code Z}, {@code +01:00} or {@code +0100}. */
    static final DateTimeFormatter ISO_WITH_OFFSET =
            new DateTimeFormatterBuilder()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                    .optionalStart()
                    .appendOffset("+HH:MM", "Z")
                    .optionalEnd()
                    .optionalStart()
                    .appendOffset("+HHMM", "Z")
                    .optionalEnd()
                    .toFormatter();

    private final Clock clock;
    private final Duration maxFutureSkew;

    /**
     * @param clock the processing clock that bounds times in the future
     * @param maxFutureSkew how far ahead of the clock an event time may be
     */
    public EventTimeResolver(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    /** The outcome: an event time, or why there is none. */
    public record Resolved(long eventTime, String problem) {
        /** True when an event time was resolved. */
        public boolean ok() {
            return problem == null;
        }
    }

    /** Resolves the event time of a message read from a record with the given timestamp. */
    public Resolved resolve(JsonNode message, Long recordTimestamp) {
        Instant[] times = new Instant[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            JsonNode node = message.get(FIELDS[i]);
            if (node == null || node.isNull()) {
                continue;
            }
            times[i] = parse(node);
            if (times[i] == null) {
                return new Resolved(0, FIELDS[i] + " is not an ISO-8601 date-time: " + node);
            }
        }
        Instant timestamp = times[0];
        Instant original = times[1];
        Instant sentAt = times[2];
        Instant receivedAt = times[3];
        Instant eventTime;
        if (timestamp != null) {
            eventTime = timestamp;
        } else if (original != null && sentAt != null && receivedAt != null) {
            eventTime = receivedAt.minus(Duration.between(original, sentAt));
        } else if (original != null) {
            eventTime = original;
        } else if (recordTimestamp != null && recordTimestamp >= 0) {
            eventTime = Instant.ofEpochMilli(recordTimestamp);
        } else {
            return new Resolved(0, "no timestamp, originalTimestamp or record timestamp");
        }
        Instant latest = clock.instant().plus(maxFutureSkew);
        if (eventTime.isAfter(latest)) {
            return new Resolved(
                    0, "event time " + eventTime + " is more than " + maxFutureSkew + " ahead");
        }
        if (eventTime.isBefore(EARLIEST)) {
            return new Resolved(0, "event time " + eventTime + " is before " + EARLIEST);
        }
        return new Resolved(eventTime.toEpochMilli(), null);
    }

    private static Instant parse(JsonNode node) {
        if (!node.isTextual()) {
            return null;
        }
        String text = node.asText().trim();
        Instant common = IsoTimes.parse(text); // most messages: no formatter needed
        if (common != null) {
            return common;
        }
        try {
            return OffsetDateTime.parse(text, ISO_WITH_OFFSET).toInstant();
        } catch (DateTimeParseException notIso) {
            return null;
        }
    }
}
