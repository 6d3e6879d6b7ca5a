package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.profile.ScheduledUpdate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code replay --updates}: an update the job will refuse is reported, not dropped silently. */
class ReplayUpdatesTest {
    private static final long AT = 1_747_699_200_000L; // 2025-05-20T00:00:00Z

    @Test
    void reportsEachUpdateTheJobWillRefuseWithItsProblems() throws Exception {
        String valid =
                "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"views\",\"version\":2,"
                    + "\"status\":\"active\",\"type\":\"event_counter\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Product"
                    + " Viewed\"}}}";
        String misspelled = valid.replace("\"source\"", "\"sourse\"");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        int refused =
                ReplayCommand.reportRefused(
                        List.of(
                                new ScheduledUpdate(AT, "trait/views", valid),
                                new ScheduledUpdate(AT, "trait/views", misspelled),
                                new ScheduledUpdate(AT, "audience/old", null)),
                        new PrintStream(printed, true, StandardCharsets.UTF_8));

        assertEquals(1, refused);
        assertEquals(
                "refused update trait/views at 2025-05-20T00:00:00Z: $.sourse: unknown field"
                        + " 'sourse' (did you mean 'source'?); $.source: names the events counted:"
                        + " {event: {type, name}, where}\n",
                printed.toString(StandardCharsets.UTF_8));
    }
}
