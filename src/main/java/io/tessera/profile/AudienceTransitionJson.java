package io.tessera.profile;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;

/**
 * The wire format of {@code cdp.audience-transitions}: a Segment-style track event {@code Audience
 * Entered} or {@code Audience Exited}, with the profile id as the user id.
 */
public final class AudienceTransitionJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private AudienceTransitionJson() {}

    /** The transition as a track event. */
    public static ObjectNode toJson(AudienceTransition transition) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("type", "track");
        json.put("event", transition.entered() ? "Audience Entered" : "Audience Exited");
        json.put("userId", transition.profileId());
        // Deterministic: a replayed transition has the same id, so consumers can deduplicate.
        json.put(
                "messageId",
                transition.profileId()
                        + ":"
                        + transition.audienceId()
                        + ":"
                        + (transition.entered() ? "entered" : "exited")
                        + ":"
                        + transition.at());
        ObjectNode properties = json.putObject("properties");
        properties.put("audience_id", transition.audienceId());
        properties.put("audience_name", transition.audienceName());
        properties.put("definition_version", transition.version());
        properties.put("trigger", transition.trigger());
        json.put("timestamp", Instant.ofEpochMilli(transition.at()).toString());
        return json;
    }
}
