package io.tessera.ingest;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/** Named instants, default settings and helpers shared by the ingest tests. */
final class IngestFixtures {
    /** The processing clock of every ingest test. */
    static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    static final IngestSettings SETTINGS = IngestSettings.from(new Configuration());

    static final SegmentMessageParser PARSER = new SegmentMessageParser(SETTINGS, CLOCK);

    private IngestFixtures() {}

    static RawRecord record(String json) {
        return record(json.getBytes(StandardCharsets.UTF_8));
    }

    static RawRecord record(byte[] value) {
        return new RawRecord(
                "k".getBytes(StandardCharsets.UTF_8), value, "cdp.events", 1, 42L, null);
    }

    static List<IngestRecord> parse(String json) {
        return parse(record(json));
    }

    static List<IngestRecord> parse(RawRecord record) {
        List<IngestRecord> out = new ArrayList<>();
        PARSER.parse(record, out::add);
        return out;
    }
}
