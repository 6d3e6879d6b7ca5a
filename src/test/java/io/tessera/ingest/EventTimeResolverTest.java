package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EventTimeResolverTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long RECORD_TIME = Instant.parse("2025-05-05T05:05:05Z").toEpochMilli();
    private final EventTimeResolver resolver =
            new EventTimeResolver(IngestFixtures.CLOCK, Duration.ofDays(1));

    @Test
    void prefersTimestamp() throws IOException {
        assertEquals(
                ms("2025-01-01T10:00:00Z"),
                time(
                        "{\"timestamp\":\"2025-01-01T10:00:00Z\",\"originalTimestamp\":\"2025-01-01T09:00:00Z\"}"));
    }

    @Test
    void correctsClockSkewLikeSegment() throws IOException {
        assertEquals(
                ms("2025-01-01T10:00:05Z"),
                time(
                        "{\"originalTimestamp\":\"2025-01-01T10:00:00Z\",\"sentAt\":\"2025-01-01T10:00:10Z\","
                            + "\"receivedAt\":\"2025-01-01T10:00:15Z\"}"));
    }

    @Test
    void fallsBackToOriginalTimestampThenToTheRecordTimestamp() throws IOException {
        assertEquals(
                ms("2025-01-01T09:00:00Z"),
                time(
                        "{\"originalTimestamp\":\"2025-01-01T09:00:00Z\",\"sentAt\":\"2025-01-01T09:00:01Z\"}"));
        assertEquals(RECORD_TIME, time("{}"));
    }

    @Test
    void readsOffsetsInEitherForm() throws IOException {
        assertEquals(
                ms("2025-01-01T09:00:00Z"), time("{\"timestamp\":\"2025-01-01T10:00:00+01:00\"}"));
        assertEquals(
                ms("2025-01-01T09:00:00Z"),
                time("{\"timestamp\":\"2025-01-01T10:00:00.000+0100\"}"));
    }

    @Test
    void acceptsUpToOneDayAheadOfTheClock() throws IOException {
        Instant limit = IngestFixtures.NOW.plus(Duration.ofDays(1));
        assertEquals(limit.toEpochMilli(), time("{\"timestamp\":\"" + limit + "\"}"));
        assertFalse(resolve("{\"timestamp\":\"" + limit.plusMillis(1) + "\"}").ok());
    }

    @Test
    void refusesLocalTimesWithoutOffsetAndNonStrings() throws IOException {
        assertFalse(resolve("{\"timestamp\":\"2025-01-01T10:00:00\"}").ok());
        assertFalse(resolve("{\"timestamp\":1735725600000}").ok());
        assertFalse(resolve("{\"timestamp\":\"2025-01-01T10:00:00Z\",\"sentAt\":\"soon\"}").ok());
    }

    private long time(String json) throws IOException {
        EventTimeResolver.Resolved resolved = resolve(json);
        assertEquals(null, resolved.problem());
        return resolved.eventTime();
    }

    private EventTimeResolver.Resolved resolve(String json) throws IOException {
        JsonNode message = JSON.readTree(json);
        return resolver.resolve(message, RECORD_TIME);
    }

    private static long ms(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }
}
