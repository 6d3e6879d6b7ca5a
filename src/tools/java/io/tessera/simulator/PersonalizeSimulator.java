package io.tessera.simulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A local Contentstack Personalize Edge API (personalize.md, "The local Personalize simulator"):
 * the four calls with the edge's paths, headers and shapes, user attributes in memory with merge
 * semantics, a log of every call, a manifest computed from configured experiences, the edge's
 * validation, and faults on demand. It listens on loopback only.
 *
 * <p>Inspection: {@code GET /simulator/users/<uid>} (attributes and events), {@code GET
 * /simulator/requests} (the log), {@code POST /simulator/faults} (e.g. {@code {"unavailableNext":
 * 5}}).
 */
public final class PersonalizeSimulator implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROJECT = "X-Project-Uid";
    private static final String USER = "X-CS-Personalize-User-Uid";

    /**
     * One call as it arrived.
     *
     * @param method HTTP method
     * @param path path and query
     * @param headers every header, names lower-cased, first value
     * @param body the body as received
     * @param status what the simulator answered (0: the connection was reset)
     * @param at when it arrived (epoch ms)
     */
    public record Call(
            String method,
            String path,
            Map<String, String> headers,
            String body,
            int status,
            long at) {}

    private final SimulatorConfig config;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Faults faults = new Faults();
    private final Map<String, ObjectNode> users = new ConcurrentHashMap<>();
    private final Map<String, List<String>> events = new ConcurrentHashMap<>();
    private final Map<String, String> mergedInto = new ConcurrentHashMap<>();
    private final List<Call> calls = new ArrayList<>();

    private PersonalizeSimulator(SimulatorConfig config, InetAddress host, int port)
            throws IOException {
        this.config = config;
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        // A call is answered on the server's own thread, as a server without an executor does:
        // handing each to a thread of a pool costs a wake-up per call, paid in the same process as
        // the job in the bench. While latency is injected, calls go to many threads instead: one
        // sleeps in its thread and must not queue the others. (A latency set while a call is
        // being taken in holds up the calls behind that one alone.)
        this.executor = Executors.newFixedThreadPool(256);
        server.setExecutor(
                call -> {
                    if (faults.mayDelay()) {
                        executor.execute(call);
                    } else {
                        call.run();
                    }
                });
        server.createContext("/", this::handle);
        server.start();
    }

    /** Starts a simulator on the port (0: any free port) of 127.0.0.1. */
    public static PersonalizeSimulator start(SimulatorConfig config, int port) throws IOException {
        return new PersonalizeSimulator(config, InetAddress.getLoopbackAddress(), port);
    }

    /**
     * Starts a simulator on the port of the given address: {@code 0.0.0.0} serves other hosts (a
     * container of docker compose).
     */
    public static PersonalizeSimulator start(SimulatorConfig config, InetAddress host, int port)
            throws IOException {
        return new PersonalizeSimulator(config, host, port);
    }

    /** Its base URL, e.g. {@code http://127.0.0.1:43121}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The faults to inject. */
    public Faults faults() {
        return faults;
    }

    /** A user's attributes (empty when unknown). */
    public Map<String, JsonNode> attributes(String userUid) {
        Map<String, JsonNode> copy = new TreeMap<>();
        ObjectNode attributes = users.get(userUid);
        if (attributes != null) {
            synchronized (attributes) {
                attributes.fields().forEachRemaining(f -> copy.put(f.getKey(), f.getValue()));
            }
        }
        return copy;
    }

    /**
     * The user a user was merged into (the target of the last merge that named it as the source),
     * or null. A merged user keeps the attributes it had when it was merged; the person's values go
     * on in the target.
     */
    public String mergedInto(String userUid) {
        return mergedInto.get(userUid);
    }

    /** The users that have attributes, in uid order. */
    public java.util.SortedSet<String> users() {
        return new java.util.TreeSet<>(users.keySet());
    }

    /**
     * The users a merge named as its source, in uid order: with those that have attributes, every
     * user the edge was told of. A source never written before is merged all the same (its
     * profile's first changes and its login were sent together).
     */
    public java.util.SortedSet<String> mergedUsers() {
        return new java.util.TreeSet<>(mergedInto.keySet());
    }

    /** The config it serves. */
    public SimulatorConfig config() {
        return config;
    }

    /** The event keys a user sent, in order. */
    public List<String> events(String userUid) {
        List<String> keys = events.get(userUid);
        return keys == null ? List.of() : List.copyOf(keys);
    }

    /** Every call so far, in arrival order. */
    public List<Call> calls() {
        synchronized (calls) {
            return List.copyOf(calls);
        }
    }

    /** The variant each experience serves the user: experience short uid to variant (or null). */
    public Map<String, String> manifest(String userUid) {
        Map<String, String> served = new TreeMap<>();
        Map<String, JsonNode> attributes = attributes(userUid);
        for (SimulatorConfig.Experience experience : config.experiences()) {
            served.put(experience.shortUid(), variantFor(experience, attributes));
        }
        return served;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body =
                    new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String path = exchange.getRequestURI().getPath();
            if (path.startsWith("/simulator/")) {
                Answer answer = inspect(exchange.getRequestMethod(), path, body);
                respond(exchange, answer, body);
                return;
            }
            Faults.Action action = faults.next();
            long latency = faults.latencyMillis();
            if (latency > 0) {
                try {
                    Thread.sleep(latency); // the simulated edge's own slowness
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            switch (action) {
                case RESET -> {
                    record(exchange, body, 0);
                    return; // closed without an answer
                }
                case UNAVAILABLE -> {
                    respond(exchange, new Answer(503, error("service unavailable")), body);
                    return;
                }
                case TOO_MANY -> {
                    exchange.getResponseHeaders()
                            .add("Retry-After", Integer.toString(faults.retryAfterSeconds()));
                    respond(exchange, new Answer(429, error("too many requests")), body);
                    return;
                }
                default -> respond(exchange, serve(exchange, path, body), body);
            }
        }
    }

    private record Answer(int status, String body) {}

    private Answer serve(HttpExchange exchange, String path, String body) {
        String method = exchange.getRequestMethod();
        String project = exchange.getRequestHeaders().getFirst(PROJECT);
        String user = exchange.getRequestHeaders().getFirst(USER);
        if (project == null || !project.equals(config.projectUid())) {
            return new Answer(404, error("personalize.MANIFEST.PROJECT_NOT_FOUND"));
        }
        try {
            return switch (method + " " + path) {
                case "PATCH /user-attributes" -> setAttributes(user, body);
                case "POST /user-attributes/actions/merge" -> merge(body);
                case "POST /events" -> events(user, body);
                case "GET /manifest" -> manifest(exchange, user);
                default -> new Answer(404, error("no such call: " + method + " " + path));
            };
        } catch (JsonProcessingException e) {
            return new Answer(400, error("the body is not JSON: " + e.getOriginalMessage()));
        }
    }

    private Answer setAttributes(String user, String body) throws JsonProcessingException {
        if (user == null || user.isBlank()) {
            return new Answer(400, error("missing " + USER));
        }
        JsonNode values = JSON.readTree(body);
        if (values == null || !values.isObject()) {
            return new Answer(400, error("attributes must be a JSON object"));
        }
        Iterator<Map.Entry<String, JsonNode>> fields = values.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!field.getValue().isValueNode()) {
                return new Answer(
                        400, error("attribute " + field.getKey() + " must be a scalar value"));
            }
            if (config.strictAttributes() && !config.attributes().contains(field.getKey())) {
                return new Answer(400, error("unknown attribute " + field.getKey()));
            }
        }
        ObjectNode attributes = users.computeIfAbsent(user, u -> JSON.createObjectNode());
        synchronized (attributes) {
            attributes.setAll((ObjectNode) values);
        }
        return new Answer(204, null);
    }

    private Answer merge(String body) throws JsonProcessingException {
        JsonNode merge = JSON.readTree(body);
        String source = merge == null ? null : merge.path("sourceUserUid").asText(null);
        String target = merge == null ? null : merge.path("targetUserUid").asText(null);
        if (source == null || target == null) {
            return new Answer(400, error("sourceUserUid and targetUserUid are required"));
        }
        mergedInto.put(source, target);
        ObjectNode from = users.get(source);
        ObjectNode into = users.computeIfAbsent(target, u -> JSON.createObjectNode());
        if (from != null && from != into) {
            synchronized (into) {
                synchronized (from) {
                    into.setAll(from.deepCopy()); // the source wins on conflict
                }
            }
        }
        return new Answer(204, null);
    }

    private Answer events(String user, String body) throws JsonProcessingException {
        if (user == null || user.isBlank()) {
            return new Answer(400, error("missing " + USER));
        }
        JsonNode list = JSON.readTree(body);
        if (list == null || !list.isArray()) {
            return new Answer(400, error("events must be a JSON array"));
        }
        List<String> keys =
                events.computeIfAbsent(
                        user, u -> new java.util.concurrent.CopyOnWriteArrayList<>());
        for (JsonNode event : list) {
            String type = event.path("type").asText();
            if ("EVENT".equals(type)) {
                keys.add(event.path("eventKey").asText());
            } else if (!"IMPRESSION".equals(type)) {
                return new Answer(400, error("unknown event type " + type));
            }
        }
        return new Answer(202, null);
    }

    private Answer manifest(HttpExchange exchange, String user) throws JsonProcessingException {
        Map<String, JsonNode> attributes = user == null ? new TreeMap<>() : attributes(user);
        String live = exchange.getRequestHeaders().getFirst("X-Live-Attributes");
        if (live != null && !live.isBlank()) {
            JSON.readTree(live)
                    .fields()
                    .forEachRemaining(f -> attributes.put(f.getKey(), f.getValue()));
        }
        ObjectNode manifest = JSON.createObjectNode();
        ArrayNode experiences = manifest.putArray("experiences");
        for (SimulatorConfig.Experience experience : config.experiences()) {
            ObjectNode served = experiences.addObject();
            served.put("shortUid", experience.shortUid());
            served.put("activeVariantShortUid", variantFor(experience, attributes));
        }
        if (user != null) {
            exchange.getResponseHeaders().add(USER, user);
        }
        return new Answer(200, manifest.toString());
    }

    private static String variantFor(
            SimulatorConfig.Experience experience, Map<String, JsonNode> attributes) {
        for (SimulatorConfig.Variant variant : experience.variants()) {
            if (holds(variant.when(), attributes)) {
                return variant.shortUid();
            }
        }
        return null;
    }

    private static boolean holds(JsonNode when, Map<String, JsonNode> attributes) {
        JsonNode value = attributes.get(when.path("attribute").asText());
        if (value == null || value.isNull()) {
            return false;
        }
        if (when.has("equals")) {
            return value.equals(when.get("equals"));
        }
        if (when.has("atLeast")) {
            return value.isNumber() && value.asDouble() >= when.get("atLeast").asDouble();
        }
        return false;
    }

    private Answer inspect(String method, String path, String body) throws IOException {
        if ("GET".equals(method) && path.startsWith("/simulator/users/")) {
            String user = path.substring("/simulator/users/".length());
            ObjectNode json = JSON.createObjectNode();
            ObjectNode attributes = json.putObject("attributes");
            attributes(user).forEach(attributes::set);
            ArrayNode keys = json.putArray("events");
            events(user).forEach(keys::add);
            ObjectNode manifest = json.putObject("manifest");
            manifest(user).forEach(manifest::put);
            return new Answer(200, json.toString());
        }
        if ("GET".equals(method) && path.equals("/simulator/requests")) {
            return new Answer(200, JSON.writeValueAsString(calls()));
        }
        if ("POST".equals(method) && path.equals("/simulator/faults")) {
            JsonNode set = JSON.readTree(body);
            faults.clear();
            faults.latency(java.time.Duration.ofMillis(set.path("latencyMs").asLong(0)));
            faults.tooManyFraction(
                    set.path("tooManyFraction").asDouble(0), set.path("retryAfter").asInt(1));
            faults.unavailableNext(set.path("unavailableNext").asInt(0));
            faults.unavailableFor(java.time.Duration.ofMillis(set.path("unavailableMs").asLong(0)));
            faults.resetNext(set.path("resetNext").asInt(0));
            return new Answer(204, null);
        }
        return new Answer(404, error("no such inspection call"));
    }

    private void respond(HttpExchange exchange, Answer answer, String requestBody)
            throws IOException {
        record(exchange, requestBody, answer.status());
        if (answer.body() == null) {
            exchange.sendResponseHeaders(answer.status(), -1);
            return;
        }
        byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(answer.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private void record(HttpExchange exchange, String body, int status) {
        if (exchange.getRequestURI().getPath().startsWith("/simulator/")) {
            return;
        }
        Map<String, String> headers = new TreeMap<>();
        exchange.getRequestHeaders()
                .forEach((name, values) -> headers.put(name.toLowerCase(), values.get(0)));
        String query = exchange.getRequestURI().getRawQuery();
        Call call =
                new Call(
                        exchange.getRequestMethod(),
                        exchange.getRequestURI().getPath() + (query == null ? "" : "?" + query),
                        headers,
                        body,
                        status,
                        System.currentTimeMillis());
        synchronized (calls) {
            calls.add(call);
        }
    }

    private static String error(String message) {
        return JSON.createObjectNode().put("error", message).toString();
    }
}
