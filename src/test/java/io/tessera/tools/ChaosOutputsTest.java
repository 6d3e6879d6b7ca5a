package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What the chaos comparison reads from the simulator, over loopback. */
class ChaosOutputsTest {
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void aVisitorMergedWithOrWithoutBeingWrittenFirstIsTheSameUser() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.load(Path.of("examples/personalize-simulator.json"));
        try (PersonalizeSimulator apart = PersonalizeSimulator.start(config, 0);
                PersonalizeSimulator together = PersonalizeSimulator.start(config, 0)) {
            // The visitor's first changes went out on their own, then its login.
            call(apart, "PATCH", "/user-attributes", "anon", "{\"views\":1}");
            merge(apart, "anon", "u1");
            call(apart, "PATCH", "/user-attributes", "u1", "{\"views\":2}");
            // Coalesced (a restored job catching up): the login and the changes together.
            merge(together, "anon", "u1");
            call(together, "PATCH", "/user-attributes", "u1", "{\"views\":2}");

            assertEquals(
                    "{anon={\"mergedInto\":\"u1\"}, u1={\"views\":2}}",
                    ChaosOutputs.personalizeUsers(apart).toString());
            assertEquals(
                    ChaosOutputs.personalizeUsers(apart), ChaosOutputs.personalizeUsers(together));
        }
    }

    @Test
    void aUserMergedThroughAnotherEndsInTheSameUserAsOneMergedDirectly() throws Exception {
        SimulatorConfig config =
                SimulatorConfig.load(Path.of("examples/personalize-simulator.json"));
        try (PersonalizeSimulator chained = PersonalizeSimulator.start(config, 0);
                PersonalizeSimulator direct = PersonalizeSimulator.start(config, 0)) {
            // The web visitor joined the app's user before the login reached the profile.
            merge(chained, "web", "app");
            merge(chained, "app", "u1");
            merge(direct, "web", "u1");
            merge(direct, "app", "u1");

            assertEquals(
                    "{app={\"mergedInto\":\"u1\"}, u1={}, web={\"mergedInto\":\"u1\"}}",
                    ChaosOutputs.personalizeUsers(chained).toString());
            assertEquals(
                    ChaosOutputs.personalizeUsers(direct), ChaosOutputs.personalizeUsers(chained));
        }
    }

    private void merge(PersonalizeSimulator simulator, String source, String target)
            throws Exception {
        String body = "{\"sourceUserUid\":\"" + source + "\",\"targetUserUid\":\"" + target + "\"}";
        call(simulator, "POST", "/user-attributes/actions/merge", null, body);
    }

    private void call(
            PersonalizeSimulator simulator, String method, String path, String user, String body)
            throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(URI.create(simulator.url() + path))
                        .method(method, HttpRequest.BodyPublishers.ofString(body))
                        .header("X-Project-Uid", "demo-project");
        if (user != null) {
            request.header("X-CS-Personalize-User-Uid", user);
        }
        int status =
                http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        assertEquals(204, status, method + " " + path);
    }
}
