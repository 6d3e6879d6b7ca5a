package io.tessera.activation;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.tessera.model.IdentifierTypes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/** The activation stage's options, {@code cdp.activation.*}. */
public final class ActivationOptions {
    public static final ConfigOption<String> EDGE_URL =
            key("cdp.activation.personalize.edge-url")
                    .stringType()
                    .defaultValue("https://personalize-edge.contentstack.com")
                    .withDescription(
                            "Base URL of the Personalize Edge API of the project's region.");

    public static final ConfigOption<String> PROJECT_UID =
            key("cdp.activation.personalize.project-uid")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The Personalize project written to (X-Project-Uid); activation is off"
                                    + " when it is not set.");

    public static final ConfigOption<String> AUTHORIZATION =
            key("cdp.activation.personalize.authorization")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "An Authorization header for a proxy in front of the edge (the edge"
                                    + " itself needs none); never logged.");

    public static final ConfigOption<List<String>> USER_UID_TYPES =
            key("cdp.activation.personalize.user-uid-types")
                    .stringType()
                    .asList()
                    .defaultValues(IdentifierTypes.USER_ID, IdentifierTypes.PERSONALIZE_UID)
                    .withDescription(
                            "Identifier types a profile's Personalize user uid is taken from, in"
                                    + " order: the first type the profile has, its latest value.");

    public static final ConfigOption<Map<String, String>> EVENT_KEYS =
            key("cdp.activation.personalize.event-keys")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Track events forwarded to Personalize /events, as"
                                    + " 'Order Completed:purchase,...' (event name: event key).");

    public static final ConfigOption<Duration> COALESCE =
            key("cdp.activation.coalesce")
                    .durationType()
                    .defaultValue(Duration.ofMillis(250))
                    .withDescription(
                            "Changes of one profile within this interval go out as one request"
                                    + " (processing time); 0 sends every change at once.");

    public static final ConfigOption<Integer> CAPACITY =
            key("cdp.activation.capacity")
                    .intType()
                    .defaultValue(100)
                    .withDescription(
                            "Edge API requests in flight per subtask; when full, the job"
                                    + " backpressures.");

    public static final ConfigOption<Duration> REQUEST_TIMEOUT =
            key("cdp.activation.request-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(5))
                    .withDescription("Timeout of one HTTP attempt (then it is retried).");

    public static final ConfigOption<Duration> RETRY_BUDGET =
            key("cdp.activation.retry-budget")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "How long a request is retried (429, 5xx, 401, 403, timeouts,"
                                    + " connection errors) before it goes to the activation dead"
                                    + " letters. Unset: for as long as the edge fails; the"
                                    + " Async I/O capacity then holds the job back until it"
                                    + " answers again, and nothing is lost. Answers that can"
                                    + " never succeed (400, 404, 409, 422...) go to the dead"
                                    + " letters at once.");

    public static final ConfigOption<Duration> QUEUE_TIMEOUT =
            key("cdp.activation.queue-timeout")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(10))
                    .withDescription(
                            "How long a call holds its place in the Async I/O queue. A call"
                                    + " still failing then moves out of the queue into the"
                                    + " stage's own checkpointed state and goes on being retried"
                                    + " there, in order with its profile's later calls: during"
                                    + " an outage the queue keeps moving slowly (capacity calls"
                                    + " per this interval) and checkpoints keep completing.");

    public static final ConfigOption<Duration> BACKOFF_INITIAL =
            key("cdp.activation.backoff.initial")
                    .durationType()
                    .defaultValue(Duration.ofMillis(200))
                    .withDescription(
                            "Upper bound of the first retry's delay (exponential, full jitter).");

    public static final ConfigOption<Duration> BACKOFF_MAX =
            key("cdp.activation.backoff.max")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription("Cap of a retry's delay.");

    public static final ConfigOption<Double> RATE_LIMIT =
            key("cdp.activation.rate-limit")
                    .doubleType()
                    .defaultValue(500.0)
                    .withDescription(
                            "Edge API requests per second for the whole job, split evenly across"
                                    + " the activation subtasks.");

    public static final ConfigOption<String> CONSENT_CATEGORY =
            key("cdp.activation.consent-category")
                    .stringType()
                    .defaultValue("personalization")
                    .withDescription(
                            "Consent category (context.consent.categoryPreferences) a profile's"
                                    + " latest preferences must allow for it to be activated.");

    /** Every activation option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    EDGE_URL,
                    PROJECT_UID,
                    AUTHORIZATION,
                    USER_UID_TYPES,
                    EVENT_KEYS,
                    COALESCE,
                    CAPACITY,
                    REQUEST_TIMEOUT,
                    RETRY_BUDGET,
                    QUEUE_TIMEOUT,
                    BACKOFF_INITIAL,
                    BACKOFF_MAX,
                    RATE_LIMIT,
                    CONSENT_CATEGORY);

    private ActivationOptions() {}
}
