package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.TesseraConfig;
import io.tessera.profileapi.ProfileApi;
import io.tessera.profileapi.ProfileApiSettings;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/** The demo's profile API: on the demo's broker, a store in a temporary directory, a new token. */
final class DemoProfileApi implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ProfileApi api;
    private final String token;
    private final Path store;
    private final HttpClient http = HttpClient.newHttpClient();

    private DemoProfileApi(ProfileApi api, String token, Path store) {
        this.api = api;
        this.token = token;
        this.store = store;
    }

    /** Starts it on 127.0.0.1 and prints where it is and its token. */
    static DemoProfileApi start(TesseraConfig config, PrintStream out) throws IOException {
        byte[] secret = new byte[16];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        Path store = Files.createTempDirectory("tessera-profile-api");
        ProfileApi api =
                ProfileApi.start(
                        new ProfileApiSettings("127.0.0.1", 0, store, token),
                        config.kafka(),
                        config.ingest());
        out.printf("Profile API: http://127.0.0.1:%d token %s%n", api.port(), token);
        return new DemoProfileApi(api, token, store);
    }

    /**
     * Prints one profile fetched through the API by the email of one of the given profiles, once
     * the API has read it (ten seconds at most).
     */
    void summary(PrintStream out, Collection<JsonNode> profiles) throws Exception {
        String email = null;
        for (JsonNode profile : profiles) {
            JsonNode emails = profile.at("/identifiers/email");
            if (emails.isArray() && !emails.isEmpty()) {
                email = emails.get(0).asText();
                break;
            }
        }
        out.println();
        if (email == null) {
            out.println("Profile API: no profile with an email to look up yet");
            return;
        }
        String path =
                "/v1/lookup?type=email&value=" + URLEncoder.encode(email, StandardCharsets.UTF_8);
        HttpResponse<String> response = get(path);
        for (int i = 0; i < 100 && response.statusCode() == 404; i++) {
            TimeUnit.MILLISECONDS.sleep(100); // the API reads the topics behind the job
            response = get(path);
        }
        out.printf(
                "Profile API: GET %s (Authorization: Bearer %s) -> %d%n",
                path, token, response.statusCode());
        if (response.statusCode() == 200) {
            JsonNode profile = JSON.readTree(response.body()).get("profile");
            out.printf(
                    "  %s  %d events  %s%n      audiences %s%n",
                    profile.get("id").asText(),
                    profile.path("eventCount").asLong(),
                    profile.get("identifiers"),
                    profile.get("audiences"));
        } else {
            out.println("  " + response.body());
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path))
                        .header("Authorization", "Bearer " + token)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException {
        api.close();
        ReplayCommand.deleteRecursively(store);
    }
}
