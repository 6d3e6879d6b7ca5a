package io.tessera.activation;

import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;

/**
 * The activation stage's validated settings.
 *
 * @param edgeUrl base URL of the Edge API, without a trailing slash
 * @param projectUid the Personalize project, or null when activation is off
 * @param authorization an Authorization header for a proxy, or null
 * @param userUidTypes identifier types of the Personalize user uid, in order of preference
 * @param eventKeys track event name to Personalize event key
 * @param coalesce how long changes of a profile are gathered (zero: none)
 * @param capacity requests in flight per subtask
 * @param requestTimeout timeout of one attempt
 * @param retryBudget how long a request is retried, or null for as long as it fails
 * @param queueTimeout how long a call holds its place in the Async I/O queue before it is parked
 * @param backoffInitial bound of the first retry's delay
 * @param backoffMax cap of any retry's delay
 * @param rateLimit requests per second for the whole job
 * @param consentCategory the consent category activation needs
 */
public record ActivationSettings(
        String edgeUrl,
        String projectUid,
        String authorization,
        List<String> userUidTypes,
        Map<String, String> eventKeys,
        Duration coalesce,
        int capacity,
        Duration requestTimeout,
        Duration retryBudget,
        Duration queueTimeout,
        Duration backoffInitial,
        Duration backoffMax,
        double rateLimit,
        String consentCategory)
        implements Serializable {

    /** Reads and checks the options. */
    public static ActivationSettings from(Configuration config) {
        String edgeUrl = Checks.notBlank(config, ActivationOptions.EDGE_URL);
        try {
            URI uri = new URI(edgeUrl);
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                throw new InvalidOptionException(
                        ActivationOptions.EDGE_URL.key(), "must be an http(s) URL, got " + edgeUrl);
            }
        } catch (URISyntaxException e) {
            throw new InvalidOptionException(ActivationOptions.EDGE_URL.key(), e.getMessage());
        }
        String project = Checks.get(config, ActivationOptions.PROJECT_UID);
        List<String> types = Checks.get(config, ActivationOptions.USER_UID_TYPES);
        if (types.isEmpty()) {
            throw new InvalidOptionException(
                    ActivationOptions.USER_UID_TYPES.key(), "must name at least one type");
        }
        double rate = Checks.get(config, ActivationOptions.RATE_LIMIT);
        if (!(rate > 0)) {
            throw new InvalidOptionException(
                    ActivationOptions.RATE_LIMIT.key(), "must be positive, got " + rate);
        }
        Duration initial = Checks.positiveDuration(config, ActivationOptions.BACKOFF_INITIAL);
        Duration max = Checks.positiveDuration(config, ActivationOptions.BACKOFF_MAX);
        if (max.compareTo(initial) < 0) {
            throw new InvalidOptionException(
                    ActivationOptions.BACKOFF_MAX.key(),
                    "must not be less than " + ActivationOptions.BACKOFF_INITIAL.key());
        }
        return new ActivationSettings(
                edgeUrl.replaceAll("/+$", ""),
                project == null || project.isBlank() ? null : project.trim(),
                Checks.get(config, ActivationOptions.AUTHORIZATION),
                List.copyOf(types),
                new TreeMap<>(Checks.get(config, ActivationOptions.EVENT_KEYS)),
                Checks.nonNegative(config, ActivationOptions.COALESCE),
                Checks.positive(config, ActivationOptions.CAPACITY),
                Checks.positiveDuration(config, ActivationOptions.REQUEST_TIMEOUT),
                config.getOptional(ActivationOptions.RETRY_BUDGET).isPresent()
                        ? Checks.positiveDuration(config, ActivationOptions.RETRY_BUDGET)
                        : null,
                Checks.positiveDuration(config, ActivationOptions.QUEUE_TIMEOUT),
                initial,
                max,
                rate,
                Checks.notBlank(config, ActivationOptions.CONSENT_CATEGORY));
    }

    /** True when a project is configured: profiles are activated. */
    public boolean enabled() {
        return projectUid != null;
    }

    /** The same settings writing to another edge and project (demo, replay, tests). */
    public ActivationSettings toEdge(String url, String project) {
        return new ActivationSettings(
                url.replaceAll("/+$", ""),
                project,
                authorization,
                userUidTypes,
                eventKeys,
                coalesce,
                capacity,
                requestTimeout,
                retryBudget,
                queueTimeout,
                backoffInitial,
                backoffMax,
                rateLimit,
                consentCategory);
    }

    /** The same settings with another coalescing interval. */
    public ActivationSettings withCoalesce(Duration interval) {
        return new ActivationSettings(
                edgeUrl,
                projectUid,
                authorization,
                userUidTypes,
                eventKeys,
                interval,
                capacity,
                requestTimeout,
                retryBudget,
                queueTimeout,
                backoffInitial,
                backoffMax,
                rateLimit,
                consentCategory);
    }
}
