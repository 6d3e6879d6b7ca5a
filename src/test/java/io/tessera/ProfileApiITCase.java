package io.tessera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.profileapi.ProfileApi;
import io.tessera.profileapi.ProfileApiSettings;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalKafkaJob;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profile API beside the job on one broker: acceptance A6 and two buyers go through the job on
 * the MiniCluster, the API reads the job's topics into its store and answers by any identifier,
 * pages an audience, restarts from its store and forgets a person deleted by a privacy request.
 */
class ProfileApiITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "s3cret-token";
    private static final String DEFINITIONS =
            """
            [{"schema":"cdp.definition/v1","kind":"trait","id":"orders","version":1,
              "status":"active","name":"Orders","type":"event_counter",
              "source":{"event":{"type":"track","name":"Order Completed"}}},
             {"schema":"cdp.definition/v1","kind":"audience","id":"buyers","version":1,
              "status":"active","name":"Buyers","type":"rule","includeAnonymous":true,
              "condition":{"field":"traits.orders","op":"gte","value":1}}]
            """;

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @RegisterExtension static final EmbeddedKafkaExtension KAFKA = new EmbeddedKafkaExtension();

    @TempDir Path dir;
    private final HttpClient http = HttpClient.newHttpClient();
    private ProfileApi api;

    @Test
    @Timeout(300)
    void answersByAnyIdentifierOfAMergedPersonRestartsFromItsStoreAndForgetsADeletedOne()
            throws Exception {
        Path definitions = Files.writeString(dir.resolve("definitions.json"), DEFINITIONS);
        TesseraConfig config =
                LocalKafkaJob.config(
                        KAFKA.broker(),
                        "--cdp.kafka.starting-offsets",
                        "EARLIEST",
                        "--definitions",
                        definitions.toString());
        LocalKafkaJob.createTopics(KAFKA.broker(), config, 2);
        List<String> messages = new ArrayList<>(AcceptanceA6.messages());
        messages.add(order("b1"));
        messages.add(order("b2"));
        send(config, messages);
        LocalKafkaJob.build(config, 2, Duration.ofMillis(300), true, null).execute("api-it-1");

        ProfileApiSettings settings =
                new ProfileApiSettings("127.0.0.1", 0, dir.resolve("store"), TOKEN);
        api = ProfileApi.start(settings, config.kafka(), config.ingest());
        try {
            await(() -> api.ready(), "the API catches up");
            JsonNode merge =
                    OutputTopics.values(KAFKA.broker(), config.kafka().profileMergesTopic()).get(0);
            String person = merge.get("winner").asText();
            String mergedAway = merge.get("loser").asText();

            JsonNode byAnonymousId = get("/v1/lookup?type=anonymous_id&value=a2", 200);
            assertEquals(person, byAnonymousId.at("/profile/id").asText());
            JsonNode byEmail = get("/v1/lookup?type=email&value=" + encode(" Ann@Shop.IO"), 200);
            assertEquals(person, byEmail.at("/profile/id").asText(), "normalised as at ingest");
            JsonNode byOldId = get("/v1/profiles/" + mergedAway, 200);
            assertEquals(person, byOldId.at("/profile/id").asText());
            assertEquals(mergedAway, byOldId.get("resolvedFrom").asText());
            assertNull(get("/v1/profiles/" + person, 200).get("resolvedFrom"));
            assertEquals("type", get("/v1/lookup?value=a2", 400).get("parameter").asText());
            assertEquals(
                    "limit",
                    get("/v1/audiences/buyers/members?limit=0", 400).path("parameter").asText());
            assertEquals(401, call("/v1/profiles/" + person, null).statusCode());
            assertEquals(401, call("/v1/profiles/" + person, "Bearer wrong").statusCode());

            assertEquals(
                    "{\"audiences\":[{\"id\":\"buyers\",\"size\":3}]}",
                    get("/v1/audiences", 200).toString());
            assertEquals(Set.of(person, buyer("b1"), buyer("b2")), pageThrough("buyers", null));

            // paging while profiles change: a first page, then a new buyer and every profile
            // written again by a second run of the job, then the rest of the pages
            JsonNode first = get("/v1/audiences/buyers/members?limit=1", 200);
            Set<String> paged = new TreeSet<>();
            first.get("members").forEach(m -> paged.add(m.get("profileId").asText()));
            send(config, List.of(order("b3")));
            LocalKafkaJob.build(config, 2, Duration.ofMillis(300), true, null).execute("api-it-1b");
            await(
                    () -> status("/v1/lookup?type=anonymous_id&value=b3") == 200,
                    "the new buyer is read");
            for (String member : pageThrough("buyers", first.get("nextCursor").asText())) {
                assertTrue(paged.add(member), member + " listed twice");
            }
            assertTrue(
                    paged.containsAll(Set.of(person, buyer("b1"), buyer("b2"))),
                    "every member there throughout is listed: " + paged);

            api.close();
            api = ProfileApi.start(settings, config.kafka(), config.ingest());
            await(() -> api.ready(), "the restarted API catches up");
            assertEquals(0, api.applied(), "served from its store, nothing read again");
            assertEquals(
                    person,
                    get("/v1/lookup?type=user_id&value=u1", 200).at("/profile/id").asText());

            send(
                    config,
                    List.of(
                            "{\"type\":\"delete\",\"userId\":\"u1\",\"messageId\":\"forget-u1\","
                                    + "\"timestamp\":\"2025-01-01T11:00:00Z\"}"));
            LocalKafkaJob.build(config, 2, Duration.ofMillis(300), true, null).execute("api-it-2");
            await(
                    () -> status("/v1/lookup?type=anonymous_id&value=a2") == 404,
                    "the deleted person's anonymous id is forgotten");
            assertEquals(404, status("/v1/lookup?type=email&value=ann%40shop.io"));
            assertEquals(404, status("/v1/profiles/" + person));
            assertEquals(404, status("/v1/profiles/" + mergedAway));
            assertEquals(
                    Set.of(buyer("b1"), buyer("b2"), buyer("b3")),
                    pageThrough("buyers", null),
                    "the other buyers remain");
            assertEquals(200, status("/v1/lookup?type=user_id&value=u2"), "u2's own profile");
            assertTrue(
                    call("/metrics", null).body().contains("tessera_profile_api_requests_total"));
        } finally {
            api.close();
        }
    }

    /** The members listed from the cursor on (null: from the first page), a page of one each. */
    private Set<String> pageThrough(String audience, String from) throws Exception {
        Set<String> members = new TreeSet<>();
        String cursor = from;
        do {
            JsonNode page =
                    get(
                            "/v1/audiences/"
                                    + audience
                                    + "/members?limit=1"
                                    + (cursor == null ? "" : "&cursor=" + cursor),
                            200);
            page.get("members").forEach(m -> members.add(m.get("profileId").asText()));
            cursor = page.get("nextCursor").isNull() ? null : page.get("nextCursor").asText();
        } while (cursor != null);
        return members;
    }

    private static String order(String anonymousId) {
        return "{\"type\":\"track\",\"event\":\"Order Completed\",\"anonymousId\":\""
                + anonymousId
                + "\",\"messageId\":\"order-"
                + anonymousId
                + "\",\"timestamp\":\"2025-01-01T10:30:00Z\"}";
    }

    /** The profile id of a buyer's anonymous id, asked through the API. */
    private String buyer(String anonymousId) throws Exception {
        return get("/v1/lookup?type=anonymous_id&value=" + anonymousId, 200)
                .at("/profile/id")
                .asText();
    }

    private static void send(TesseraConfig config, List<String> messages) throws Exception {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        for (String message : messages) {
            // one key: one partition, so the broker keeps the order
            records.add(
                    new ProducerRecord<>(
                            config.kafka().eventsTopic(),
                            "shop".getBytes(StandardCharsets.UTF_8),
                            message.getBytes(StandardCharsets.UTF_8)));
        }
        KAFKA.broker().send(config.kafka().eventsTopic(), records);
    }

    private JsonNode get(String path, int status) throws Exception {
        HttpResponse<String> response = call(path, "Bearer " + TOKEN);
        assertEquals(status, response.statusCode(), path + ": " + response.body());
        return JSON.readTree(response.body());
    }

    private int status(String path) {
        try {
            return call(path, "Bearer " + TOKEN).statusCode();
        } catch (Exception e) {
            throw new AssertionError("GET " + path + " failed", e);
        }
    }

    private HttpResponse<String> call(String path, String authorization) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** Waits for the API's reading of the topics, polling the condition; a minute at most. */
    private void await(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (!condition.getAsBoolean()) {
            if (api.failure() != null) {
                throw new AssertionError("the API stopped reading", api.failure());
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
            Thread.sleep(50);
        }
    }
}
