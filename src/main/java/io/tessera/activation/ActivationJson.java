package io.tessera.activation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/** The activation dead letter as written to {@code cdp.activation.dlq}. */
public final class ActivationJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationJson() {}

    /**
     * {@code {profileId, call, method, path, userUid, body, status, attempts, reason, response,
     * at}}: the failed call, its last status (-1: no answer) and how often it was tried.
     */
    public static ObjectNode deadLetter(EdgeOutcome outcome) {
        EdgeRequest request = outcome.request();
        ObjectNode json = JSON.createObjectNode();
        json.put("profileId", request.profileId());
        json.put("call", request.call());
        json.put("method", request.method());
        json.put("path", request.path());
        json.put("userUid", request.userUid());
        json.put("body", request.body());
        json.put("status", outcome.status());
        json.put("attempts", outcome.attempts());
        json.put("reason", outcome.error());
        json.put("response", outcome.response());
        json.put("at", Instant.ofEpochMilli(outcome.at()).toString());
        return json;
    }
}
