package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sequence audiences through {@code ./tessera replay} (acceptance A2 and A4, a loop before a
 * trailing absence, a ref, a within overrun): the CEP stage on the job's own topology.
 */
class SequenceReplayITCase {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path ACCEPTANCE = Path.of("src/test/resources/acceptance");

    @TempDir Path dir;

    @Test
    @Timeout(120)
    void cartAbandonmentAsAcceptanceA2() throws Exception {
        Path definitions = ACCEPTANCE.resolve("a2-definitions.json");
        assertEquals(
                List.of(),
                run(
                        definitions,
                        "2025-02-02T11:00:00Z",
                        track("u1", "Product Added", "2025-02-01T10:00:00Z"),
                        track("u1", "Order Completed", "2025-02-01T10:20:00Z")),
                "a: ordered in time");
        assertEquals(
                List.of(
                        "Entered sequence_match 2025-02-01T10:30:00Z",
                        "Exited exit_event 2025-02-01T11:00:00Z"),
                run(
                        definitions,
                        "2025-02-02T11:00:00Z",
                        track("u2", "Product Added", "2025-02-01T10:00:00Z"),
                        page("u2", "2025-02-01T10:05:00Z"),
                        track("u2", "Order Completed", "2025-02-01T11:00:00Z")),
                "b");
        assertEquals(
                List.of(
                        "Entered sequence_match 2025-02-01T10:30:00Z",
                        "Exited ttl 2025-02-02T10:40:00Z"),
                run(
                        definitions,
                        "2025-02-02T10:41:00Z",
                        track("u3", "Product Added", "2025-02-01T10:00:00Z"),
                        track("u3", "Product Added", "2025-02-01T10:10:00Z")),
                "c: one entry; the second match extends the ttl to next day 10:40");
    }

    @Test
    @Timeout(120)
    void showsSequenceMembershipsInTheProfiles() throws Exception {
        Path events = dir.resolve("member.jsonl");
        Files.write(
                events,
                List.of(
                        track("u9", "Product Added", "2025-02-01T10:00:00Z"),
                        page("u9", "2025-02-01T10:05:00Z")));
        Path out = dir.resolve("member-out");

        ReplayCommand.Summary summary =
                ReplayCommand.run(
                        events,
                        out,
                        ACCEPTANCE.resolve("a2-definitions.json"),
                        List.of(),
                        Instant.parse("2025-02-01T12:00:00Z"),
                        new String[0]);

        JsonNode profile = JSON.readTree(Files.readAllLines(out.resolve("profiles.jsonl")).get(0));
        assertEquals("2025-02-01T10:30:00Z", profile.at("/audiences/cart_abandoner_30m").asText());
        assertEquals(1L, summary.audienceSizes().get("cart_abandoner_30m"));
    }

    @Test
    @Timeout(120)
    void onboardingDropOffAsAcceptanceA4() throws Exception {
        Path definitions =
                write(
                        "a4.json",
                        "["
                                + sequence(
                                        "onboarding_stalled_3d",
                                        "[{\"name\":\"signup\",\"match\":{\"all\":[{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Signed"
                                            + " Up\"},{\"field\":\"event.properties.plan_type\","
                                            + "\"op\":\"eq\",\"value\":\"trial\"}]}},"
                                            + "{\"name\":\"done\",\"absent\":true,\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Onboarding"
                                            + " Completed\"}}]",
                                        "P3D",
                                        "{\"ttl\":\"P30D\",\"exitOn\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Onboarding"
                                            + " Completed\"}}")
                                + "]");
        assertEquals(
                List.of(
                        "Entered sequence_match 2025-06-04T12:00:00Z",
                        "Exited exit_event 2025-06-05T09:00:00Z"),
                run(
                        definitions,
                        "2025-06-06T00:00:00Z",
                        signup("u1", "trial", "2025-06-01T12:00:00Z"),
                        track("u1", "Onboarding Step Viewed", "2025-06-02T09:00:00Z"),
                        track("u1", "Onboarding Step Viewed", "2025-06-02T10:00:00Z"),
                        track("u1", "Onboarding Step Viewed", "2025-06-02T11:00:00Z"),
                        track("u1", "Onboarding Completed", "2025-06-05T09:00:00Z")),
                "a");
        assertEquals(
                List.of(),
                run(
                        definitions,
                        "2025-06-10T00:00:00Z",
                        signup("u2", "paid", "2025-06-01T12:00:00Z")),
                "b: a paid plan");
        assertEquals(
                List.of(),
                run(
                        definitions,
                        "2025-06-10T00:00:00Z",
                        signup("u3", "trial", "2025-06-01T12:00:00Z"),
                        track("u3", "Onboarding Completed", "2025-06-03T08:00:00Z")),
                "c: completed in time");
    }

    @Test
    @Timeout(120)
    void aLoopBeforeATrailingAbsenceEntersOnce() throws Exception {
        Path definitions =
                write(
                        "loop.json",
                        "["
                                + sequence(
                                        "viewed_three_no_add",
                                        "[{\"name\":\"views\",\"times\":{\"min\":3,\"max\":3},\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Product"
                                            + " Viewed\"}},"
                                            + "{\"name\":\"add\",\"absent\":true,\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Product"
                                            + " Added\"}}]",
                                        "PT1H",
                                        "{\"ttl\":\"P1D\"}")
                                + "]");

        List<String> transitions =
                run(
                        definitions,
                        "2025-03-01T12:00:00Z",
                        track("u1", "Product Viewed", "2025-03-01T10:00:00Z"),
                        track("u1", "Product Viewed", "2025-03-01T10:05:00Z"),
                        track("u1", "Product Viewed", "2025-03-01T10:10:00Z"),
                        track("u1", "Product Viewed", "2025-03-01T10:15:00Z"));

        assertEquals(
                1,
                transitions.stream().filter(t -> t.startsWith("Entered")).count(),
                transitions.toString());
    }

    @Test
    @Timeout(120)
    void aRefMatchesTheSameProductAndAWithinOverrunDoesNot() throws Exception {
        Path definitions =
                write(
                        "ref.json",
                        "["
                                + sequence(
                                        "repeat_viewer",
                                        "[{\"name\":\"first\",\"match\":{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Product"
                                            + " Viewed\"}},"
                                            + "{\"name\":\"again\",\"match\":{\"all\":[{\"field\":\"event.name\",\"op\":\"eq\",\"value\":\"Product"
                                            + " Viewed\"},{\"field\":"
                                            + "\"event.properties.product_id\",\"op\":\"eq\","
                                            + "\"ref\":\"step:first.properties.product_id\"}]}}]",
                                        "P1D",
                                        "{\"ttl\":\"P3D\"}")
                                + "]");

        assertEquals(
                List.of("Entered sequence_match 2025-03-01T10:20:00Z"),
                run(
                        definitions,
                        "2025-03-02T00:00:00Z",
                        view("u1", "p1", "2025-03-01T10:00:00Z"),
                        view("u1", "p2", "2025-03-01T10:10:00Z"),
                        view("u1", "p1", "2025-03-01T10:20:00Z")),
                "the second view of p1 matches, p2 does not");
        assertEquals(
                List.of(),
                run(
                        definitions,
                        "2025-03-05T00:00:00Z",
                        view("u2", "p1", "2025-03-01T10:00:00Z"),
                        view("u2", "p1", "2025-03-02T11:00:00Z")),
                "25 hours apart: over within P1D");
    }

    private List<String> run(Path definitions, String until, String... lines) throws Exception {
        Path events = dir.resolve("events-" + System.nanoTime() + ".jsonl");
        Files.write(events, List.of(lines));
        Path out = dir.resolve("out-" + System.nanoTime());
        ReplayCommand.run(events, out, definitions, List.of(), Instant.parse(until), new String[0]);
        List<String> transitions = new ArrayList<>();
        for (String line : Files.readAllLines(out.resolve("audience-transitions.jsonl"))) {
            JsonNode t = JSON.readTree(line);
            transitions.add(
                    t.get("event").asText().replace("Audience ", "")
                            + " "
                            + t.at("/properties/trigger").asText()
                            + " "
                            + t.get("timestamp").asText());
        }
        return transitions;
    }

    private Path write(String name, String content) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private static String sequence(String id, String steps, String within, String membership) {
        return "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\""
                + id
                + "\",\"version\":1,\"status\":\"active\",\"type\":\"sequence\",\"sequence\":"
                + "{\"steps\":"
                + steps
                + ",\"within\":\""
                + within
                + "\"},\"membership\":"
                + membership
                + "}";
    }

    private static int counter;

    private static String track(String user, String event, String time) {
        return message("track", "\"event\":\"" + event + "\"", user, "{}", time);
    }

    private static String page(String user, String time) {
        return message("page", "\"name\":\"Cart\"", user, "{}", time);
    }

    private static String signup(String user, String plan, String time) {
        return message(
                "track", "\"event\":\"Signed Up\"", user, "{\"plan_type\":\"" + plan + "\"}", time);
    }

    private static String view(String user, String product, String time) {
        return message(
                "track",
                "\"event\":\"Product Viewed\"",
                user,
                "{\"product_id\":\"" + product + "\"}",
                time);
    }

    /** One Segment message of the user at the time, with a fresh messageId. */
    private static String message(
            String type, String name, String user, String properties, String time) {
        return "{\"type\":\""
                + type
                + "\","
                + name
                + ",\"userId\":\""
                + user
                + "\",\"properties\":"
                + properties
                + ",\"messageId\":\"s"
                + (++counter)
                + "\",\"timestamp\":\""
                + time
                + "\"}";
    }
}
