package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

class DeadLetterRouterTest {
    @Test
    void sendsAcceptedEventsOnAndDeadLettersAside() throws Exception {
        List<IngestRecord> parsed =
                IngestFixtures.parse(
                        "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\",\"messageId\":\"m1\","
                                + "\"timestamp\":\"2025-01-01T10:00:00Z\"},{\"type\":\"fly\"}]}");

        try (OneInputStreamOperatorTestHarness<IngestRecord, SourcedEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DeadLetterRouter())) {
            for (IngestRecord record : parsed) {
                harness.processElement(record, 0L);
            }

            assertEquals(
                    List.of("m1"),
                    harness.extractOutputValues().stream()
                            .map(e -> e.event().messageId())
                            .toList());
            List<String> reasons =
                    harness.getSideOutput(IngestOutputs.DEAD_LETTERS).stream()
                            .map(StreamRecord::getValue)
                            .map(DeadLetter::reason)
                            .toList();
            assertEquals(List.of("bad_type"), reasons);
        }
    }

    @Test
    void carriesTheKafkaKeyOfTheRecordAnEventCameIn() throws Exception {
        RawRecord keyed =
                new RawRecord(
                        "person-7".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        ("{\"type\":\"page\",\"anonymousId\":\"a1\",\"messageId\":\"m1\","
                                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}")
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "cdp.events",
                        0,
                        1L,
                        null);

        try (OneInputStreamOperatorTestHarness<IngestRecord, SourcedEvent> harness =
                ProcessFunctionTestHarnesses.forProcessFunction(new DeadLetterRouter())) {
            for (IngestRecord record : IngestFixtures.parse(keyed)) {
                harness.processElement(record, 0L);
            }

            assertEquals(
                    List.of("person-7"),
                    harness.extractOutputValues().stream().map(SourcedEvent::key).toList());
        }
    }
}
