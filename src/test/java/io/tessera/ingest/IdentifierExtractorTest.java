package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdentifierExtractorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final IdentifierExtractor extractor =
            new IdentifierExtractor(
                    new IdentifierNormalizer(Blocklist.defaults(), "GB", 256, java.util.Map.of()));

    @Test
    void takesEveryIdentifierOfAMessageInPriorityOrder() throws IOException {
        JsonNode message =
                JSON.readTree(
                        "{\"anonymousId\":\"a1\",\"userId\":42,\"context\":{\"traits\":{\"email\":\""
                            + " Ann@Shop.IO \",\"phone\":\"07911 123456\"},"
                            + "\"device\":{\"id\":\"d1\"},\"personalize\":{\"userUid\":\"pz1\"},"
                            + "\"externalIds\":[{\"id\":\"003XYZ\",\"type\":\"Salesforce_Contact_Id\","
                            + "\"collection\":\"users\",\"encoding\":\"none\"},"
                            + "{\"id\":\"bob@shop.io\",\"type\":\"email\"}]}}");

        IdentifierExtractor.Extracted extracted = extractor.extract("track", message);

        assertEquals(
                List.of(
                        new Identifier("user_id", "42"),
                        new Identifier("email", "ann@shop.io"),
                        new Identifier("email", "bob@shop.io"),
                        new Identifier("phone", "+447911123456"),
                        new Identifier("personalize_uid", "pz1"),
                        new Identifier("device_id", "d1"),
                        new Identifier("anonymous_id", "a1"),
                        new Identifier("salesforce_contact_id", "003XYZ")),
                extracted.identifiers());
        assertTrue(extracted.refused().isEmpty());
    }

    @Test
    void takesIdentifyTraitsFromTheMessageAndOtherTraitsFromTheContext() throws IOException {
        JsonNode identify =
                JSON.readTree("{\"userId\":\"u1\",\"traits\":{\"email\":\"a@shop.io\"}}");
        JsonNode track = JSON.readTree("{\"userId\":\"u1\",\"traits\":{\"email\":\"a@shop.io\"}}");

        assertTrue(
                extractor
                        .extract("identify", identify)
                        .identifiers()
                        .contains(new Identifier("email", "a@shop.io")));
        assertEquals(
                List.of(new Identifier("user_id", "u1")),
                extractor.extract("track", track).identifiers(),
                "a track's top-level traits are not Segment's place for identity");
    }

    @Test
    void keepsAPhoneThatDoesNotParseAsItIs() throws IOException {
        JsonNode message = JSON.readTree("{\"context\":{\"traits\":{\"phone\":\" ext. 12 \"}}}");

        assertEquals(
                List.of(new Identifier("phone", "ext. 12")),
                extractor.extract("page", message).identifiers());
    }

    @Test
    void dropsBlockedMalformedAndNonScalarValuesAndSaysWhy() throws IOException {
        JsonNode message =
                JSON.readTree(
                        "{\"anonymousId\":\"undefined\",\"userId\":[\"u1\"],\"context\":{"
                                + "\"traits\":{\"email\":\"not-an-email\"},"
                                + "\"device\":{\"id\":\"00000000-0000-0000-0000-000000000000\"},"
                                + "\"externalIds\":[{\"id\":\"x\"}]}}");

        IdentifierExtractor.Extracted extracted = extractor.extract("page", message);

        assertTrue(extracted.identifiers().isEmpty());
        assertEquals(5, extracted.refused().size(), extracted.refused().toString());
        assertEquals(
                List.of(
                        "userId is not a string (array)",
                        "anonymousId is blocked or not a valid anonymous_id",
                        "context.traits.email is blocked or not a valid email",
                        "context.device.id is blocked or not a valid device_id",
                        "context.externalIds[0] has no type"),
                extracted.refused());
    }

    @Test
    void normalisesAnAliasPreviousIdAndDropsABlockedOne() throws IOException {
        assertEquals(
                "a9",
                extractor
                        .extract(
                                "alias", JSON.readTree("{\"userId\":\"u\",\"previousId\":\" a9\"}"))
                        .previousId());
        assertNull(
                extractor
                        .extract(
                                "alias",
                                JSON.readTree("{\"userId\":\"u\",\"previousId\":\"null\"}"))
                        .previousId());
    }

    @Test
    void neverRepeatsAnIdentifier() throws IOException {
        JsonNode message =
                JSON.readTree(
                        "{\"userId\":\"u1\",\"context\":{\"externalIds\":[{\"id\":\"u1\",\"type\":\"user_id\"}]}}");

        assertEquals(
                List.of(new Identifier("user_id", "u1")),
                extractor.extract("page", message).identifiers());
    }

    @Test
    void dropsValuesWithControlCharactersUnpairedSurrogatesOrOverTheByteLimitAndSaysWhy()
            throws IOException {
        String tooLong = "é".repeat(129); // 258 bytes of UTF-8, 129 characters
        String fits = "é".repeat(128);
        JsonNode message =
                JSON.readTree(
                        "{\"userId\":\"u\\u0000ser\",\"anonymousId\":\"a\\ud800\","
                                + "\"context\":{\"device\":{\"id\":\"d\\u007f\"},"
                                + "\"traits\":{\"email\":\"ann@shop.io\\n\"},"
                                + "\"externalIds\":[{\"id\":\""
                                + tooLong
                                + "\",\"type\":\"crm_id\"},{\"id\":\""
                                + fits
                                + "\",\"type\":\"crm_id\"},{\"id\":\"\\ud83d\\ude00\","
                                + "\"type\":\"emoji_id\"},{\"id\":\"x\",\"type\":\"t\\u0001\"}]}}");

        IdentifierExtractor.Extracted extracted = extractor.extract("track", message);

        assertEquals(
                List.of(new Identifier("crm_id", fits), new Identifier("emoji_id", "\ud83d\ude00")),
                extracted.identifiers());
        assertEquals(
                List.of(
                        "userId holds the control character U+0000",
                        "anonymousId holds the unpaired surrogate U+D800",
                        "context.traits.email holds the control character U+000A",
                        "context.device.id holds the control character U+007F",
                        "context.externalIds[0].id is longer than 256 bytes of UTF-8",
                        "context.externalIds[3].type holds the control character U+0001"),
                extracted.refused());
    }
}
