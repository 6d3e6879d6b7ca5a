package io.tessera.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's Edge API over loopback: semantics, validation and the manifest. */
class PersonalizeSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private PersonalizeSimulator simulator;

    @BeforeEach
    void start() throws Exception {
        simulator =
                PersonalizeSimulator.start(
                        SimulatorConfig.load(Path.of("examples/personalize-simulator.json")), 0);
    }

    @AfterEach
    void stop() {
        simulator.close();
    }

    @Test
    void mergeCopiesTheSourceIntoTheTargetAndTheSourceWins() throws Exception {
        assertEquals(204, call("PATCH", "/user-attributes", "anon", "{\"a\":1,\"b\":\"x\"}"));
        assertEquals(204, call("PATCH", "/user-attributes", "u1", "{\"a\":2,\"c\":true}"));

        assertEquals(
                204,
                call(
                        "POST",
                        "/user-attributes/actions/merge",
                        null,
                        "{\"sourceUserUid\":\"anon\",\"targetUserUid\":\"u1\"}"));

        assertEquals("{a=1, b=\"x\", c=true}", simulator.attributes("u1").toString());
    }

    @Test
    void itRefusesWhatTheEdgeRefuses() throws Exception {
        assertEquals(400, call("PATCH", "/user-attributes", "u1", "{\"a\":{\"nested\":1}}"));
        assertEquals(400, call("PATCH", "/user-attributes", "u1", "{\"a\":[1,2]}"));
        assertEquals(400, call("PATCH", "/user-attributes", null, "{\"a\":1}"), "no user");
        assertEquals(400, call("POST", "/events", "u1", "{\"type\":\"EVENT\"}"), "not an array");
        HttpResponse<String> unknown =
                http.send(
                        request("GET", "/manifest", "u1", null)
                                .setHeader("X-Project-Uid", "nope")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"error\":\"personalize.MANIFEST.PROJECT_NOT_FOUND\"}", unknown.body());

        try (PersonalizeSimulator strict =
                PersonalizeSimulator.start(
                        new SimulatorConfig("p", true, Set.of("known"), List.of()), 0)) {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(strict.url() + "/user-attributes"))
                                    .method(
                                            "PATCH",
                                            HttpRequest.BodyPublishers.ofString(
                                                    "{\"known\":1,\"other\":2}"))
                                    .header("X-Project-Uid", "p")
                                    .header("X-CS-Personalize-User-Uid", "u1")
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(400, response.statusCode());
            assertEquals("{}", strict.attributes("u1").toString(), "nothing of it was stored");
        }
    }

    @Test
    void theManifestServesTheFirstVariantWhoseConditionHolds() throws Exception {
        call("PATCH", "/user-attributes", "u1", "{\"cdp_aud_engaged_browsers\":true}");
        HttpResponse<String> manifest =
                http.send(
                        request("GET", "/manifest", "u1", null).build(),
                        HttpResponse.BodyHandlers.ofString());

        assertEquals(200, manifest.statusCode());
        assertEquals("u1", manifest.headers().firstValue("X-CS-Personalize-User-Uid").orElse(null));
        assertEquals(
                "{\"experiences\":[{\"shortUid\":\"a\",\"activeVariantShortUid\":null},"
                        + "{\"shortUid\":\"b\",\"activeVariantShortUid\":\"2\"}]}",
                JSON.readTree(manifest.body()).toString());

        HttpResponse<String> live =
                http.send(
                        request("GET", "/manifest", "u1", null)
                                .header("X-Live-Attributes", "{\"cdp_aud_big_spenders\":true}")
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(
                "1",
                JSON.readTree(live.body()).at("/experiences/1/activeVariantShortUid").asText(),
                "a live attribute counts for this evaluation");
        assertEquals(
                false,
                simulator.attributes("u1").containsKey("cdp_aud_big_spenders"),
                "and is not stored");
    }

    private int call(String method, String path, String user, String body) throws Exception {
        return http.send(
                        request(method, path, user, body).build(),
                        HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private HttpRequest.Builder request(String method, String path, String user, String body) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(simulator.url() + path))
                        .method(
                                method,
                                body == null
                                        ? HttpRequest.BodyPublishers.noBody()
                                        : HttpRequest.BodyPublishers.ofString(body))
                        .header("X-Project-Uid", "demo-project");
        if (user != null) {
            builder.header("X-CS-Personalize-User-Uid", user);
        }
        return builder;
    }
}
