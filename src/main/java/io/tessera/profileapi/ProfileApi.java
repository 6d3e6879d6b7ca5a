package io.tessera.profileapi;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tessera.ConfigArguments;
import io.tessera.TesseraConfig;
import io.tessera.connect.KafkaSettings;
import io.tessera.ingest.IdentifierNormalizer;
import io.tessera.ingest.IngestSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.flink.configuration.Configuration;
import org.rocksdb.RocksDBException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The profile API: a service beside the job that materializes {@code cdp.profiles} and {@code
 * cdp.profile-merges} into its own store and answers who a person is by profile id or by any
 * identifier, and who is in an audience (docs/profile-api.md).
 */
public final class ProfileApi implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProfileApi.class);
    private static final int THREADS = 8;

    static {
        // The JDK's HTTP server leaves Nagle's algorithm on: a small answer then waits for the
        // client's delayed ACK, about 40 ms a request. Read once, when the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final ProfileStore store;
    private final ProfileFeed feed;
    private final Thread feedThread;
    private final ApiMetrics metrics;
    private final ProfileApiRoutes routes;
    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] expectedAuthorization;

    private ProfileApi(ProfileApiSettings settings, KafkaSettings kafka, IngestSettings ingest)
            throws IOException {
        metrics = new ApiMetrics();
        store = ProfileStore.open(settings.storeDir());
        feed =
                new ProfileFeed(
                        store,
                        kafka.bootstrapServers(),
                        kafka.clientProperties(),
                        kafka.profilesTopic(),
                        kafka.profileMergesTopic(),
                        metrics);
        routes = new ProfileApiRoutes(store, IdentifierNormalizer.of(ingest));
        expectedAuthorization =
                settings.token() == null
                        ? null
                        : ("Bearer " + settings.token()).getBytes(StandardCharsets.UTF_8);
        feedThread = new Thread(feed, "tessera-profile-api-feed");
        feedThread.setDaemon(true);
        feedThread.start();
        server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        executor = Executors.newFixedThreadPool(THREADS);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts the API: opens its store, starts reading the topics, then serves. */
    public static ProfileApi start(
            ProfileApiSettings settings, KafkaSettings kafka, IngestSettings ingest)
            throws IOException {
        return new ProfileApi(settings, kafka, ingest);
    }

    /** Runs the API until the process is stopped: {@code --cdp.* value} and {@code --config}. */
    public static void main(String[] args) throws Exception {
        Configuration config = ConfigArguments.parse(args);
        TesseraConfig tessera = TesseraConfig.from(config);
        ProfileApiSettings settings = ProfileApiSettings.from(config, System.getenv());
        ProfileApi api = start(settings, tessera.kafka(), tessera.ingest());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    api.close();
                                    stopped.countDown();
                                }));
        System.out.println("Profile API: http://" + settings.host() + ":" + api.port());
        stopped.await();
    }

    /** The port it serves on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Whether it caught up with the topics' end offsets at start. */
    public boolean ready() {
        return feed.ready();
    }

    /** Records read from the topics into the store since it started. */
    public long applied() {
        return feed.applied();
    }

    /** The error that stopped its reading of the topics, or null. */
    public Throwable failure() {
        return feed.failure();
    }

    private void handle(HttpExchange exchange) throws IOException {
        long started = System.nanoTime();
        ProfileApiRoutes.Answer answer;
        String contentType = "application/json";
        try {
            List<String> segments = segments(exchange.getRequestURI().getRawPath());
            if (!exchange.getRequestMethod().equals("GET")) {
                exchange.getResponseHeaders().set("Allow", "GET");
                answer = ProfileApiRoutes.error(405, null, "only GET is served", "unknown");
            } else if (segments.equals(List.of("health"))) {
                answer = health();
            } else if (segments.equals(List.of("metrics"))) {
                answer = new ProfileApiRoutes.Answer(200, metrics.scrape(ready()), "/metrics");
                contentType = "text/plain; version=0.0.4";
            } else if (!authorized(exchange)) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                answer =
                        ProfileApiRoutes.error(
                                401,
                                null,
                                "a valid Authorization: Bearer token is required",
                                "unauthorized");
            } else {
                answer = routes.get(segments, query(exchange.getRequestURI().getRawQuery()));
            }
        } catch (IllegalArgumentException e) {
            answer =
                    ProfileApiRoutes.error(
                            400, null, "malformed URL: " + e.getMessage(), "unknown");
        } catch (RocksDBException | IOException | RuntimeException e) {
            // the path is not logged: it can hold identifier values
            LOG.error("Profile API could not answer a {} request", exchange.getRequestMethod(), e);
            answer = ProfileApiRoutes.error(500, null, "the store could not be read", "error");
        }
        byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(answer.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
        metrics.request(answer.route(), answer.status(), System.nanoTime() - started);
    }

    private ProfileApiRoutes.Answer health() {
        Throwable failure = feed.failure();
        if (failure != null) {
            return ProfileApiRoutes.error(
                    503, null, "stopped reading the topics: " + failure, "/health");
        }
        return feed.ready()
                ? new ProfileApiRoutes.Answer(200, "{\"status\":\"ready\"}", "/health")
                : new ProfileApiRoutes.Answer(503, "{\"status\":\"catching up\"}", "/health");
    }

    private boolean authorized(HttpExchange exchange) {
        if (expectedAuthorization == null) {
            return true;
        }
        String given = exchange.getRequestHeaders().getFirst("Authorization");
        return given != null
                && MessageDigest.isEqual(
                        expectedAuthorization, given.getBytes(StandardCharsets.UTF_8));
    }

    /** The decoded segments of a raw path ({@code +} stays a plus sign in a path). */
    static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(
                        URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    /** The decoded parameters of a raw query string. */
    static Map<String, String> query(String rawQuery) {
        Map<String, String> parameters = new HashMap<>();
        if (rawQuery == null) {
            return parameters;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            parameters.putIfAbsent(
                    URLDecoder.decode(name, StandardCharsets.UTF_8),
                    URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return parameters;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        feed.close();
        try {
            feedThread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        store.close();
    }
}
