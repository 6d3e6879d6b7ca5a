package io.tessera.activation;

/**
 * One Edge API call the activation stage makes (personalize.md): the full current values of a
 * profile's changed attributes, a merge of two Personalize users, or forwarded events.
 *
 * @param profileId the profile it activates: requests of one profile go out one at a time, in order
 * @param call {@link #ATTRIBUTES}, {@link #MERGE} or {@link #EVENTS}
 * @param userUid the Personalize user written to (the merge's target)
 * @param body the JSON body, exactly as sent
 * @param createdAt processing time the request was made (for the latency metric)
 */
public record EdgeRequest(
        String profileId, String call, String userUid, String body, long createdAt) {
    public static final String ATTRIBUTES = "attributes";
    public static final String MERGE = "merge";
    public static final String EVENTS = "events";

    /** The HTTP method. */
    public String method() {
        return ATTRIBUTES.equals(call) ? "PATCH" : "POST";
    }

    /** The path under the edge's base URL. */
    public String path() {
        return switch (call) {
            case ATTRIBUTES -> "/user-attributes";
            case MERGE -> "/user-attributes/actions/merge";
            case EVENTS -> "/events";
            default -> throw new IllegalStateException("unknown Edge API call " + call);
        };
    }

    /** Whether the call names its user in {@code X-CS-Personalize-User-Uid} (not a merge). */
    public boolean sendsUserHeader() {
        return !MERGE.equals(call);
    }
}
