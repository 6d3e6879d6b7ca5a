package io.tessera.activation;

/**
 * How an Edge API call ended.
 *
 * @param request the call
 * @param status the last HTTP status, or {@link RetryPolicy#NO_RESPONSE}
 * @param attempts attempts made
 * @param error why it failed for good, or null when it was delivered
 * @param response the start of the last answer's body (for the dead letter), or null
 * @param at processing time it ended
 */
public record EdgeOutcome(
        EdgeRequest request, int status, int attempts, String error, String response, long at) {

    /** True when the edge accepted the call. */
    public boolean delivered() {
        return error == null;
    }
}
