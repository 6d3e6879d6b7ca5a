package io.tessera.profileapi;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.ingest.IdentifierNormalizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.rocksdb.RocksDBException;

/**
 * The profile API's answers to GET requests, as plain Java over the {@link ProfileStore}: the HTTP
 * server only parses the request, checks the token and writes the {@link Answer}.
 */
final class ProfileApiRoutes {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROFILES = "/v1/profiles/";
    private static final String AUDIENCES = "/v1/audiences";
    private static final String MEMBERS = "/members";

    private final ProfileStore store;
    private final IdentifierNormalizer normalizer;

    /**
     * An answer: status, JSON body, and the route template it was given by (for metrics).
     *
     * @param status HTTP status
     * @param body JSON
     * @param route the route template, e.g. {@code /v1/profiles/{id}}
     */
    record Answer(int status, String body, String route) {}

    ProfileApiRoutes(ProfileStore store, IdentifierNormalizer normalizer) {
        this.store = store;
        this.normalizer = normalizer;
    }

    /**
     * Answers a GET of a decoded path with its decoded query parameters.
     *
     * @throws RocksDBException when the store cannot be read
     * @throws IOException when a stored snapshot is not JSON
     */
    Answer get(List<String> segments, Map<String, String> query)
            throws RocksDBException, IOException {
        if (segments.size() == 3
                && segments.get(0).equals("v1")
                && segments.get(1).equals("profiles")) {
            return profile(segments.get(2));
        }
        if (segments.equals(List.of("v1", "lookup"))) {
            return lookup(query);
        }
        if (segments.equals(List.of("v1", "audiences"))) {
            return audiences();
        }
        if (segments.size() == 4
                && segments.get(0).equals("v1")
                && segments.get(1).equals("audiences")
                && segments.get(3).equals("members")) {
            return members(segments.get(2), query);
        }
        return error(404, null, "no such resource", "unknown");
    }

    private Answer profile(String id) throws RocksDBException, IOException {
        String route = PROFILES + "{id}";
        Optional<ProfileStore.Found> found = store.profile(id);
        if (found.isEmpty()) {
            return error(404, null, "no live profile has or had this id", route);
        }
        return new Answer(200, found(found.get()), route);
    }

    private Answer lookup(Map<String, String> query) throws RocksDBException, IOException {
        String route = "/v1/lookup";
        String type = query.get("type");
        if (type == null || type.isBlank()) {
            return error(400, "type", "the identifier type is required, e.g. type=email", route);
        }
        String value = query.get("value");
        if (value == null || value.isBlank()) {
            return error(400, "value", "the identifier value is required", route);
        }
        type = type.trim().toLowerCase(Locale.ROOT);
        String normalized = normalizer.normalize(type, value);
        if (normalized == null) {
            return error(
                    400,
                    "value",
                    "not usable as an identifier of type " + type + " (blocked or malformed)",
                    route);
        }
        Optional<ProfileStore.Found> found =
                store.lookup(ProfileDocument.identifierKey(type, normalized));
        if (found.isEmpty()) {
            return error(404, null, "no live profile holds this identifier", route);
        }
        return new Answer(200, found(found.get()), route);
    }

    private Answer audiences() {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("audiences");
        store.audienceSizes()
                .forEach((id, size) -> list.addObject().put("id", id).put("size", size));
        return new Answer(200, body.toString(), AUDIENCES);
    }

    private Answer members(String audience, Map<String, String> query) {
        String route = AUDIENCES + "/{id}" + MEMBERS;
        int limit = DEFAULT_LIMIT;
        String limitText = query.get("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText.trim());
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                return error(400, "limit", "must be a whole number from 1 to " + MAX_LIMIT, route);
            }
        }
        String after = null;
        String cursor = query.get("cursor");
        if (cursor != null) {
            after = decodeCursor(cursor);
            if (after == null) {
                return error(400, "cursor", "not a cursor this API gave", route);
            }
        }
        if (!store.audienceSizes().containsKey(audience)) {
            return error(404, null, "no profile ever entered this audience", route);
        }
        ProfileStore.Page page = store.members(audience, after, limit);
        ObjectNode body = JSON.createObjectNode();
        body.put("audience", audience);
        ArrayNode list = body.putArray("members");
        page.members()
                .forEach(
                        m ->
                                list.addObject()
                                        .put("profileId", m.profileId())
                                        .put("since", m.since()));
        if (page.continueAfter() == null) {
            body.putNull("nextCursor");
        } else {
            body.put("nextCursor", encodeCursor(page.continueAfter()));
        }
        return new Answer(200, body.toString(), route);
    }

    private static String found(ProfileStore.Found found) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        if (found.resolvedFrom() != null) {
            // the id asked for was merged away: say so, and which profile it lives on in
            body.put("resolvedFrom", found.resolvedFrom());
        }
        body.set("profile", JSON.readTree(found.snapshot()));
        return body.toString();
    }

    /** A JSON error; {@code parameter} names the bad request parameter, when one is. */
    static Answer error(int status, String parameter, String message, String route) {
        ObjectNode body = JSON.createObjectNode();
        body.put("error", message);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        return new Answer(status, body.toString(), route);
    }

    static String encodeCursor(String profileId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("after:" + profileId).getBytes(StandardCharsets.UTF_8));
    }

    /** The profile id a cursor continues after, or null when it is not a cursor of ours. */
    static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            return text.startsWith("after:") && text.length() > 6 ? text.substring(6) : null;
        } catch (IllegalArgumentException e) {
            return null; // not base64: the caller answers 400 naming the cursor
        }
    }
}
