package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The requests are those of personalize.md's table: method, path, headers, body. */
class EdgeApiTest {
    private final ActivationSettings settings =
            ActivationPlannerTest.settings("")
                    .toEdge("https://eu-personalize-edge.contentstack.com/", "project-1");

    @Test
    void setAttributesIsAPatchOfAFlatObjectNamingProjectAndUser() {
        EdgeRequest request =
                new EdgeRequest("P1", EdgeRequest.ATTRIBUTES, "u1", "{\"cdp_orders\":2}", 0);

        HttpRequest http = EdgeApi.http(request, settings);

        assertEquals("PATCH", http.method());
        assertEquals(
                "https://eu-personalize-edge.contentstack.com/user-attributes",
                http.uri().toString());
        assertEquals(
                Map.of(
                        "Content-Type", "application/json",
                        "User-Agent", EdgeApi.USER_AGENT,
                        "X-Project-Uid", "project-1",
                        "X-CS-Personalize-User-Uid", "u1"),
                EdgeApi.headers(request, settings));
        assertEquals(
                "{\"profileId\":\"P1\",\"method\":\"PATCH\",\"path\":\"/user-attributes\","
                        + "\"headers\":{\"Content-Type\":\"application/json\",\"User-Agent\":\""
                        + EdgeApi.USER_AGENT
                        + "\",\"X-Project-Uid\":\"project-1\","
                        + "\"X-CS-Personalize-User-Uid\":\"u1\"},\"body\":{\"cdp_orders\":2}}",
                EdgeApi.describe(request, settings).toString());
    }

    @Test
    void mergeIsAPostNamingOnlyTheProject() {
        EdgeRequest request =
                new EdgeRequest(
                        "P1",
                        EdgeRequest.MERGE,
                        "u1",
                        "{\"sourceUserUid\":\"p1\",\"targetUserUid\":\"u1\"}",
                        0);

        HttpRequest http = EdgeApi.http(request, settings);

        assertEquals("POST", http.method());
        assertEquals("/user-attributes/actions/merge", http.uri().getPath());
        assertEquals(
                Map.of(
                        "Content-Type", "application/json",
                        "User-Agent", EdgeApi.USER_AGENT,
                        "X-Project-Uid", "project-1"),
                EdgeApi.headers(request, settings));
    }

    @Test
    void eventsAreAPostOfAnArrayNamingProjectAndUser() {
        EdgeRequest request =
                new EdgeRequest(
                        "P1",
                        EdgeRequest.EVENTS,
                        "u1",
                        "[{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]",
                        0);

        HttpRequest http = EdgeApi.http(request, settings);

        assertEquals("POST", http.method());
        assertEquals("/events", http.uri().getPath());
        assertEquals("u1", EdgeApi.headers(request, settings).get("X-CS-Personalize-User-Uid"));
        assertEquals(
                "[{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]",
                EdgeApi.describe(request, settings).get("body").toString());
    }

    @Test
    void theUserAgentNamesTesseraAndItsVersionAndAProxyHeaderIsMaskedInRecords() {
        assertTrue(EdgeApi.USER_AGENT.matches("Tessera/\\d+\\.\\d+\\.\\d+.*"), EdgeApi.USER_AGENT);
        ActivationSettings behindProxy =
                new ActivationSettings(
                        settings.edgeUrl(),
                        "project-1",
                        "Bearer secret",
                        settings.userUidTypes(),
                        settings.eventKeys(),
                        settings.coalesce(),
                        settings.capacity(),
                        settings.requestTimeout(),
                        settings.retryBudget(),
                        settings.queueTimeout(),
                        settings.backoffInitial(),
                        settings.backoffMax(),
                        settings.rateLimit(),
                        settings.consentCategory());
        EdgeRequest request = new EdgeRequest("P1", EdgeRequest.ATTRIBUTES, "u1", "{}", 0);

        assertEquals("Bearer secret", EdgeApi.headers(request, behindProxy).get("Authorization"));
        assertEquals(
                "(masked)",
                EdgeApi.describe(request, behindProxy)
                        .path("headers")
                        .path("Authorization")
                        .asText());
    }
}
