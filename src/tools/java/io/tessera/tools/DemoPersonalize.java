package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLongArray;

/** The demo's closing part about Personalize: calls, latency, and what a few users now get. */
final class DemoPersonalize {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int USERS_SHOWN = 6;

    private DemoPersonalize() {}

    static void summary(
            PrintStream out,
            PersonalizeSimulator simulator,
            List<ShopTraffic.Record> traffic,
            AtomicLongArray sentAt)
            throws IOException {
        List<PersonalizeSimulator.Call> calls = simulator.calls();
        Map<String, Long> byCall = new TreeMap<>();
        calls.forEach(
                c -> byCall.merge(c.method() + " " + c.path() + " " + c.status(), 1L, Long::sum));
        out.println();
        out.printf(
                "Personalize (simulator at %s): %d Edge API calls%n",
                simulator.url(), calls.size());
        byCall.forEach((call, n) -> out.printf("  %-44s %6d%n", call, n));

        List<Long> latencies = orderLatencies(calls, traffic, sentAt);
        if (!latencies.isEmpty()) {
            latencies.sort(Comparator.naturalOrder());
            out.printf(
                    "  end to end, order produced to Kafka -> its event at the edge: p50 %d ms,"
                            + " p99 %d ms (%d orders)%n",
                    percentile(latencies, 0.50), percentile(latencies, 0.99), latencies.size());
        }

        out.println();
        out.println("A few users, as Personalize now sees them:");
        List<String> shown = interestingUsers(simulator);
        for (String user : shown) {
            Map<String, JsonNode> attributes = simulator.attributes(user);
            Map<String, Object> compact = new TreeMap<>();
            attributes.forEach(
                    (name, value) -> {
                        if (!value.isNull() && !(value.isBoolean() && !value.asBoolean())) {
                            compact.put(name, value.isTextual() ? value.asText() : value);
                        }
                    });
            out.printf("  %-12s %s%n", user, compact);
            Map<String, String> manifest = simulator.manifest(user);
            for (SimulatorConfig.Experience experience : simulator.config().experiences()) {
                String variant = manifest.get(experience.shortUid());
                out.printf(
                        "  %-12s   %-22s -> %s%n",
                        "",
                        experience.name(),
                        variant == null ? "(default content)" : variantName(experience, variant));
            }
        }
        if (shown.isEmpty()) {
            out.println("  (no user was activated: no profile had a user id)");
        }
    }

    /** Users with a targeted variant first, then others, up to a handful. */
    private static List<String> interestingUsers(PersonalizeSimulator simulator) {
        List<String> targeted = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (String user : simulator.users()) {
            boolean anyVariant =
                    simulator.manifest(user).values().stream().anyMatch(v -> v != null);
            (anyVariant ? targeted : others).add(user);
        }
        List<String> shown =
                new ArrayList<>(targeted.subList(0, Math.min(USERS_SHOWN - 1, targeted.size())));
        for (String user : others) {
            if (shown.size() >= USERS_SHOWN) {
                break;
            }
            shown.add(user);
        }
        return shown;
    }

    private static String variantName(SimulatorConfig.Experience experience, String shortUid) {
        return experience.variants().stream()
                .filter(v -> v.shortUid().equals(shortUid))
                .map(SimulatorConfig.Variant::name)
                .findFirst()
                .orElse(shortUid);
    }

    /**
     * Per user, the k-th forwarded purchase the edge received paired with the k-th order the user
     * sent (by userId, redeliveries excluded); users whose counts differ are left out.
     */
    static List<Long> orderLatencies(
            List<PersonalizeSimulator.Call> calls,
            List<ShopTraffic.Record> traffic,
            AtomicLongArray sentAt)
            throws IOException {
        Map<String, List<Long>> produced = new HashMap<>();
        forEachSent(
                traffic,
                sentAt,
                (message, at) -> {
                    if ("Order Completed".equals(message.path("event").asText())
                            && message.hasNonNull("userId")) {
                        produced.computeIfAbsent(
                                        message.get("userId").asText(), u -> new ArrayList<>())
                                .add(at);
                    }
                });
        Map<String, List<Long>> received = new HashMap<>();
        for (PersonalizeSimulator.Call call : calls) {
            if (call.path().equals("/events") && call.status() == 202) {
                received.computeIfAbsent(
                                call.headers().get("x-cs-personalize-user-uid"),
                                u -> new ArrayList<>())
                        .add(call.at());
            }
        }
        List<Long> latencies = new ArrayList<>();
        received.forEach(
                (user, arrivals) -> {
                    List<Long> sent = produced.get(user);
                    if (sent != null && sent.size() == arrivals.size()) {
                        for (int k = 0; k < sent.size(); k++) {
                            latencies.add(arrivals.get(k) - sent.get(k));
                        }
                    }
                });
        return latencies;
    }

    /**
     * Per login (an {@code identify} with a userId from a visitor the Personalize SDK named, {@code
     * context.personalize.userUid}), the time from its message produced to Kafka to the edge's
     * merge call of that Personalize user into the user id; logins without a merge call (the
     * visitor never reached the edge before) are left out.
     */
    static List<Long> mergeLatencies(
            List<PersonalizeSimulator.Call> calls,
            List<ShopTraffic.Record> traffic,
            AtomicLongArray sentAt)
            throws IOException {
        Map<String, Long> produced = new HashMap<>();
        forEachSent(
                traffic,
                sentAt,
                (message, at) -> {
                    JsonNode uid = message.at("/context/personalize/userUid");
                    if ("identify".equals(message.path("type").asText())
                            && message.hasNonNull("userId")
                            && uid.isTextual()) {
                        produced.putIfAbsent(
                                uid.asText() + " -> " + message.get("userId").asText(), at);
                    }
                });
        List<Long> latencies = new ArrayList<>();
        for (PersonalizeSimulator.Call call : calls) {
            if (call.path().endsWith("/actions/merge") && call.status() / 100 == 2) {
                JsonNode body = JSON.readTree(call.body());
                Long sent =
                        produced.remove(
                                body.path("sourceUserUid").asText()
                                        + " -> "
                                        + body.path("targetUserUid").asText());
                if (sent != null) {
                    latencies.add(call.at() - sent);
                }
            }
        }
        return latencies;
    }

    /** Each Segment message of the valid records sent, with the time its record was produced. */
    private static void forEachSent(
            List<ShopTraffic.Record> traffic,
            AtomicLongArray sentAt,
            java.util.function.ObjLongConsumer<JsonNode> each)
            throws IOException {
        for (int i = 0; i < traffic.size(); i++) {
            ShopTraffic.Record record = traffic.get(i);
            if (record.expectedReason() != null || sentAt.get(i) == 0) {
                continue;
            }
            JsonNode value = JSON.readTree(record.value());
            JsonNode messages =
                    value.has("batch") ? value.get("batch") : JSON.createArrayNode().add(value);
            for (JsonNode message : messages) {
                each.accept(message, sentAt.get(i));
            }
        }
    }

    static long percentile(List<Long> sorted, double p) {
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
