package io.tessera.ingest;

import static io.tessera.ingest.IngestFixtures.parse;
import static io.tessera.ingest.IngestFixtures.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SegmentMessageParserTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TIME = "\"timestamp\":\"2025-01-01T10:00:00Z\"";

    @Test
    void acceptsATrackMessageAsTheJobUnderstandsIt() throws IOException {
        List<IngestRecord> out =
                parse(
                        "{\"type\":\"track\",\"event\":\"Product Viewed\",\"anonymousId\":\" a1 \","
                            + "\"messageId\":\"m1\",\"properties\":{\"sku\":\"x\"},\"unknownField\":7,"
                                + TIME
                                + "}");

        assertEquals(1, out.size());
        CustomerEvent event = out.get(0).event();
        assertEquals("m1", event.messageId());
        assertEquals("track", event.type());
        assertEquals("Product Viewed", event.event());
        assertEquals(Instant.parse("2025-01-01T10:00:00Z").toEpochMilli(), event.eventTime());
        assertEquals(List.of(new Identifier("anonymous_id", "a1")), event.identifiers());
        JsonNode kept = JSON.readTree(event.message());
        assertEquals(7, kept.get("unknownField").asInt(), "unknown fields are kept");
        assertEquals("x", kept.at("/properties/sku").asText());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "malformed json | malformed_json | {not json",
                "trailing garbage | malformed_json | {\"type\":\"page\"} junk",
                "not an object | malformed_json | [1,2]",
                "missing type | bad_type | {\"anonymousId\":\"a1\"}",
                "unknown type | bad_type | {\"type\":\"fly\"}",
                "type not a string | bad_type | {\"type\":3,\"anonymousId\":\"a1\"}",
                "track without event | missing_event | {\"type\":\"track\",\"anonymousId\":\"a1\"}",
                "blank event | missing_event | {\"type\":\"track\",\"event\":\""
                        + " \",\"anonymousId\":\"a1\"}",
                "only id is null | no_identifier | {\"type\":\"page\",\"anonymousId\":\"null\","
                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                "no id at all | no_identifier |"
                        + " {\"type\":\"page\",\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                "id is an object | no_identifier | {\"type\":\"page\",\"userId\":{\"a\":1},"
                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}",
                "far future | bad_timestamp | {\"type\":\"page\",\"userId\":\"u1\","
                        + "\"timestamp\":\"2099-01-01T00:00:00Z\"}",
                "before 2000 | bad_timestamp | {\"type\":\"page\",\"userId\":\"u1\","
                        + "\"timestamp\":\"1999-12-31T23:59:59Z\"}",
                "unparseable | bad_timestamp | {\"type\":\"page\",\"userId\":\"u1\","
                        + "\"timestamp\":\"yesterday\"}",
                "no time at all | bad_timestamp | {\"type\":\"page\",\"userId\":\"u1\"}",
                "alias without previousId | no_identifier | {\"type\":\"alias\",\"userId\":\"u1\","
                        + "\"timestamp\":\"2025-01-01T10:00:00Z\"}",
            })
    void refusesEachBadRecordWithItsReason(String name, String reason, String json) {
        List<IngestRecord> out = parse(json);

        assertEquals(1, out.size());
        DeadLetter deadLetter = out.get(0).deadLetter();
        assertEquals(reason, deadLetter.reason(), deadLetter.detail());
        assertEquals(json, deadLetter.raw(), "the raw record is kept whole");
        assertEquals("utf-8", deadLetter.rawEncoding());
        assertEquals("cdp.events", deadLetter.topic());
        assertEquals(1, deadLetter.partition());
        assertEquals(42L, deadLetter.offset());
        assertEquals(IngestFixtures.NOW.toEpochMilli(), deadLetter.at());
        assertFalse(deadLetter.detail().isBlank());
    }

    @Test
    void refusesAMessageLargerThanTheLimit() {
        String padding = "x".repeat(40 * 1024);
        String json =
                "{\"type\":\"page\",\"userId\":\"u1\"," + TIME + ",\"p\":\"" + padding + "\"}";

        DeadLetter deadLetter = parse(json).get(0).deadLetter();

        assertEquals("too_large", deadLetter.reason());
        assertTrue(deadLetter.detail().contains("limit is 32768"), deadLetter.detail());
        assertEquals(json, deadLetter.raw());
    }

    @Test
    void keepsInvalidUtf8AsBase64() {
        byte[] bytes = {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};

        DeadLetter deadLetter = parse(record(bytes)).get(0).deadLetter();

        assertEquals("malformed_json", deadLetter.reason());
        assertEquals("base64", deadLetter.rawEncoding());
        assertEquals(Base64.getEncoder().encodeToString(bytes), deadLetter.raw());
    }

    @Test
    void refusesAnEmptyRecord() {
        assertEquals("malformed_json", parse(record(new byte[0])).get(0).deadLetter().reason());
        assertEquals("malformed_json", parse(record((byte[]) null)).get(0).deadLetter().reason());
    }

    @Test
    void splitsAnAnalyticsNodeBatchIntoMessages() throws IOException {
        List<IngestRecord> out = parse(fixture("analytics-node-batch.json"));

        assertEquals(2, out.size());
        CustomerEvent identify = out.get(0).event();
        assertEquals("identify", identify.type());
        assertEquals(
                List.of(
                        new Identifier("user_id", "u-1001"),
                        new Identifier("email", "ann@shop.io")),
                identify.identifiers());
        CustomerEvent order = out.get(1).event();
        assertEquals("Order Completed", order.event());
        assertEquals("node-6f1d0b2e-2", order.messageId());
        assertEquals(
                "2025-01-01T10:01:02.000Z",
                JSON.readTree(order.message()).get("sentAt").asText(),
                "the envelope's sentAt fills what the item lacks");
    }

    @Test
    void fillsBatchItemsFromTheEnvelopeContextKeyByKey() throws IOException {
        List<IngestRecord> out = parse(fixture("analytics-java-batch.json"));

        CustomerEvent page = out.get(0).event();
        assertEquals(
                List.of(
                        new Identifier("personalize_uid", "pz-77"),
                        new Identifier("device_id", "dev-42"),
                        new Identifier("anonymous_id", "a-77")),
                page.identifiers(),
                "the item's own device wins; the envelope fills personalize");
        assertEquals(
                Instant.parse("2025-01-01T09:59:58Z").toEpochMilli(),
                page.eventTime(),
                "without receivedAt the originalTimestamp is the event time");
        CustomerEvent view = out.get(1).event();
        assertTrue(view.identifiers().contains(new Identifier("device_id", "dev-shared")));
        assertEquals(
                Instant.parse("2025-01-01T10:00:00Z").toEpochMilli(),
                view.eventTime(),
                "receivedAt - (sentAt - originalTimestamp), with the envelope's sentAt");
        assertEquals(
                "analytics-java",
                JSON.readTree(view.message()).at("/context/library/name").asText());
    }

    @Test
    void refusesBadBatchItemsAloneAndKeepsTheirNeighbours() {
        String json =
                "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\","
                        + TIME
                        + "},"
                        + "{\"type\":\"fly\",\"userId\":\"u1\"},"
                        + "7,"
                        + "{\"type\":\"track\",\"userId\":\"u1\","
                        + TIME
                        + "}]}";

        List<IngestRecord> out = parse(json);

        assertEquals(4, out.size());
        assertTrue(out.get(0).isAccepted());
        assertEquals("bad_type", out.get(1).deadLetter().reason());
        assertTrue(out.get(1).deadLetter().detail().startsWith("batch item 1: "));
        assertEquals("{\"type\":\"fly\",\"userId\":\"u1\"}", out.get(1).deadLetter().raw());
        assertEquals("malformed_json", out.get(2).deadLetter().reason());
        assertEquals("missing_event", out.get(3).deadLetter().reason());
    }

    @Test
    void refusesABatchOfMoreThanFiveHundredItemsWhole() {
        StringBuilder json = new StringBuilder("{\"batch\":[");
        for (int i = 0; i < 501; i++) {
            json.append(i == 0 ? "" : ",").append("{\"type\":\"page\",\"userId\":\"u\"}");
        }
        json.append("]}");

        List<IngestRecord> out = parse(json.toString());

        assertEquals(1, out.size());
        assertEquals("batch_too_large", out.get(0).deadLetter().reason());
        assertEquals(json.toString(), out.get(0).deadLetter().raw());
    }

    @Test
    void refusesAnOversizedItemOfAnAcceptableBatch() {
        String big = "x".repeat(33 * 1024);
        String json =
                "{\"batch\":[{\"type\":\"page\",\"userId\":\"u1\","
                        + TIME
                        + ",\"p\":\""
                        + big
                        + "\"},{\"type\":\"page\",\"userId\":\"u2\","
                        + TIME
                        + "}]}";

        List<IngestRecord> out = parse(json);

        assertEquals("too_large", out.get(0).deadLetter().reason());
        assertTrue(out.get(1).isAccepted());
    }

    @Test
    void takesPageAndScreenNamesAsTheEventName() {
        CustomerEvent page =
                parse("{\"type\":\"page\",\"name\":\"Home\",\"userId\":\"u\"," + TIME + "}")
                        .get(0)
                        .event();
        CustomerEvent identify =
                parse("{\"type\":\"identify\",\"userId\":\"u\"," + TIME + "}").get(0).event();

        assertEquals("Home", page.event());
        assertNull(identify.event());
    }

    @Test
    void acceptsADeleteRequestWithTheIdentifiersItNames() {
        CustomerEvent delete =
                parse("{\"type\":\"delete\",\"userId\":\"u-9\"," + TIME + "}").get(0).event();

        assertEquals("delete", delete.type());
        assertEquals(List.of(new Identifier("user_id", "u-9")), delete.identifiers());
    }

    @Test
    void keepsAnAliasPreviousIdApartForTheIdentityStage() {
        CustomerEvent alias =
                parse(
                                "{\"type\":\"alias\",\"userId\":\"u-2\",\"previousId\":\" a-9 \","
                                        + TIME
                                        + "}")
                        .get(0)
                        .event();

        assertEquals("a-9", alias.previousId());
        assertEquals(List.of(new Identifier("user_id", "u-2")), alias.identifiers());
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in =
                SegmentMessageParserTest.class.getResourceAsStream("/segment/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        }
    }
}
