package io.tessera.profileapi;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The profile API's metrics, written in Prometheus' text format: requests by route and status,
 * their latency as a histogram, records applied and passed over, and the lag behind each topic in
 * records and milliseconds.
 */
final class ApiMetrics {
    /** Upper bounds of the latency buckets, in seconds. */
    static final double[] BUCKETS = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1};

    private final Map<String, AtomicLong> requests = new ConcurrentHashMap<>();
    private final AtomicLongArray buckets = new AtomicLongArray(BUCKETS.length);
    private final AtomicLong latencyCount = new AtomicLong();
    private final AtomicLong latencyNanos = new AtomicLong();
    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Map<String, long[]> lag = new ConcurrentHashMap<>();

    /** A request answered: its route (a template such as {@code /v1/profiles/{id}}) and status. */
    void request(String route, int status, long nanos) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new AtomicLong())
                .incrementAndGet();
        double seconds = nanos / 1e9;
        for (int i = 0; i < BUCKETS.length; i++) {
            if (seconds <= BUCKETS[i]) {
                buckets.incrementAndGet(i);
            }
        }
        latencyCount.incrementAndGet();
        latencyNanos.addAndGet(nanos);
    }

    void applied() {
        applied.incrementAndGet();
    }

    void skipped() {
        skipped.incrementAndGet();
    }

    /** The lag behind a topic: records not read yet, and the age of the last one read then. */
    void lag(String topic, long records, long millis) {
        lag.put(topic, new long[] {records, millis});
    }

    /** The metrics in Prometheus' text exposition format. */
    String scrape(boolean ready) {
        StringBuilder out = new StringBuilder();
        out.append("# TYPE tessera_profile_api_requests_total counter\n");
        new TreeMap<>(requests)
                .forEach(
                        (key, count) -> {
                            String[] parts = key.split("\u0000");
                            out.append("tessera_profile_api_requests_total{route=\"")
                                    .append(parts[0])
                                    .append("\",status=\"")
                                    .append(parts[1])
                                    .append("\"} ")
                                    .append(count.get())
                                    .append('\n');
                        });
        out.append("# TYPE tessera_profile_api_request_seconds histogram\n");
        for (int i = 0; i < BUCKETS.length; i++) {
            out.append("tessera_profile_api_request_seconds_bucket{le=\"")
                    .append(BUCKETS[i])
                    .append("\"} ")
                    .append(buckets.get(i))
                    .append('\n');
        }
        long count = latencyCount.get();
        out.append("tessera_profile_api_request_seconds_bucket{le=\"+Inf\"} ")
                .append(count)
                .append('\n');
        out.append("tessera_profile_api_request_seconds_sum ")
                .append(latencyNanos.get() / 1e9)
                .append('\n');
        out.append("tessera_profile_api_request_seconds_count ").append(count).append('\n');
        counter(out, "tessera_profile_api_records_applied_total", applied.get());
        counter(out, "tessera_profile_api_records_skipped_total", skipped.get());
        out.append("# TYPE tessera_profile_api_lag_records gauge\n");
        new TreeMap<>(lag)
                .forEach(
                        (topic, value) ->
                                out.append("tessera_profile_api_lag_records{topic=\"")
                                        .append(topic)
                                        .append("\"} ")
                                        .append(value[0])
                                        .append('\n'));
        out.append("# TYPE tessera_profile_api_lag_milliseconds gauge\n");
        new TreeMap<>(lag)
                .forEach(
                        (topic, value) ->
                                out.append("tessera_profile_api_lag_milliseconds{topic=\"")
                                        .append(topic)
                                        .append("\"} ")
                                        .append(value[1])
                                        .append('\n'));
        out.append("# TYPE tessera_profile_api_ready gauge\n");
        out.append("tessera_profile_api_ready ").append(ready ? 1 : 0).append('\n');
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, long value) {
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
