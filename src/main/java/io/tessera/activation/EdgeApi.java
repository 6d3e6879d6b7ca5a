package io.tessera.activation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** The exact HTTP form of an {@link EdgeRequest}: method, URL, headers and body. */
public final class EdgeApi {
    public static final String PROJECT_HEADER = "X-Project-Uid";
    public static final String USER_HEADER = "X-CS-Personalize-User-Uid";

    /** {@code Tessera/<version>}, from the build. */
    public static final String USER_AGENT = "Tessera/" + version();

    private static final ObjectMapper JSON = new ObjectMapper();

    private EdgeApi() {}

    /** The headers of the request, in a stable order (the Authorization value included). */
    public static Map<String, String> headers(EdgeRequest request, ActivationSettings settings) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/json");
        headers.put("User-Agent", USER_AGENT);
        headers.put(PROJECT_HEADER, settings.projectUid());
        if (request.sendsUserHeader()) {
            headers.put(USER_HEADER, request.userUid());
        }
        if (settings.authorization() != null) {
            headers.put("Authorization", settings.authorization());
        }
        return headers;
    }

    /**
     * True when the value can be sent as an HTTP header value: java.net.http takes Latin-1
     * characters only, and no control character (a line break would split the header).
     */
    public static boolean fitsHeader(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f || c > 0xff) {
                return false;
            }
        }
        return true;
    }

    /** The request for {@link java.net.http.HttpClient}. */
    public static HttpRequest http(EdgeRequest request, ActivationSettings settings) {
        HttpRequest.Builder builder =
                HttpRequest.newBuilder(URI.create(settings.edgeUrl() + request.path()))
                        .timeout(settings.requestTimeout())
                        .method(
                                request.method(),
                                HttpRequest.BodyPublishers.ofString(request.body()));
        // User-Agent is a header java.net.http lets a request set; Content-Length and Host it
        // sets itself.
        headers(request, settings).forEach(builder::header);
        return builder.build();
    }

    /**
     * The request as a JSON line of {@code activations.jsonl}: method, path, headers and body (the
     * Authorization value masked).
     */
    public static ObjectNode describe(EdgeRequest request, ActivationSettings settings) {
        ObjectNode line = JSON.createObjectNode();
        line.put("profileId", request.profileId());
        line.put("method", request.method());
        line.put("path", request.path());
        ObjectNode headers = line.putObject("headers");
        headers(request, settings)
                .forEach(
                        (name, value) ->
                                headers.put(
                                        name, name.equals("Authorization") ? "(masked)" : value));
        try {
            line.set("body", JSON.readTree(request.body()));
        } catch (IOException e) {
            throw new IllegalStateException("an Edge API body is not JSON: " + request.body(), e);
        }
        return line;
    }

    private static String version() {
        Properties properties = new Properties();
        try (InputStream in = EdgeApi.class.getResourceAsStream("/tessera-version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tessera-version.properties", e);
        }
        return properties.getProperty("version", "dev");
    }
}
