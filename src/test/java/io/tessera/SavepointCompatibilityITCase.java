package io.tessera;

import static io.tessera.tools.SavepointFixture.isUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.tools.EmbeddedKafka;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.SavepointFixture;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The current job restores the savepoint kept from release 0.1.0 (made by {@code ./tessera
 * savepoint-fixture}; see {@link SavepointFixture}) without dropping any state, at the parallelism
 * it was taken with and at another: the traits count on, the membership is still held (no second
 * entry; an exit when the window ends), the stitched anonymous id still points to its profile, and
 * the pending sequence timer and partial match fire. A change that breaks this breaks users'
 * upgrades and must ship a migration.
 */
class SavepointCompatibilityITCase {
    private static final Path RELEASE = Path.of("src/test/resources/savepoints/0.1.0");

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster(3);

    @ParameterizedTest(name = "restored at parallelism {0}")
    @ValueSource(ints = {2, 3})
    @Timeout(300)
    void restoresTheReleasedSavepoint(int parallelism) throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            TesseraConfig config =
                    SavepointFixture.restoreOnto(
                            kafka,
                            RELEASE,
                            List.of(
                                    SavepointFixture.order(
                                            "alice", "2026-01-01T12:10:00Z", "fx-11", 50),
                                    new SavepointFixture.Message(
                                            "anon-bob",
                                            "{\"type\":\"page\",\"name\":\"Cart\",\"anonymousId\":"
                                                + "\"anon-bob\",\"messageId\":\"fx-12\",\"timestamp\":"
                                                + "\"2026-01-01T12:15:00Z\"}"),
                                    SavepointFixture.track(
                                            "dave",
                                            "Product Viewed",
                                            "2026-01-01T12:20:00Z",
                                            "fx-13",
                                            "p-1"),
                                    // Moves event time on past carol's 30 minutes and alice's 30
                                    // days.
                                    SavepointFixture.track(
                                            "erin",
                                            "Product Viewed",
                                            "2026-02-15T00:00:00Z",
                                            "fx-14",
                                            "p-7")));

            JobClient job =
                    SavepointFixture.restoredJob(config, RELEASE, parallelism, new Configuration())
                            .executeAsync("tessera-restored-at-" + parallelism);
            try {
                String profiles = config.kafka().profilesTopic();
                String transitions = config.kafka().audienceTransitionsTopic();
                SavepointFixture.await(
                        kafka,
                        profiles,
                        Duration.ofSeconds(120),
                        p -> isUser(p, "alice") && p.at("/computedTraits/orders_90d").asLong() == 3,
                        p -> isUser(p, "bob") && p.at("/countsByType/page").asLong() == 2,
                        p -> isUser(p, "erin"));
                String alice = profileId(kafka, profiles, "alice");
                SavepointFixture.await(
                        kafka,
                        transitions,
                        Duration.ofSeconds(120),
                        t ->
                                transition(
                                                t,
                                                "Audience Entered",
                                                "cart_abandoner_30m",
                                                profileId(kafka, profiles, "carol"))
                                        && t.path("timestamp")
                                                .asText()
                                                .equals("2026-01-01T12:00:00Z"),
                        t ->
                                transition(
                                        t,
                                        "Audience Entered",
                                        "repeat_viewer",
                                        profileId(kafka, profiles, "dave")),
                        t -> transition(t, "Audience Exited", "high_value_recent", alice));

                List<JsonNode> restoredAlice =
                        SavepointFixture.read(kafka, profiles).stream()
                                .filter(p -> isUser(p, "alice"))
                                .toList();
                assertEquals(
                        Set.of(3L),
                        restoredAlice.stream()
                                .map(p -> p.at("/computedTraits/orders_90d").asLong())
                                .collect(Collectors.toSet()),
                        "only the new order is counted, on top of the two restored ones");
                assertTrue(
                        SavepointFixture.read(kafka, transitions).stream()
                                .noneMatch(
                                        t ->
                                                transition(
                                                        t,
                                                        "Audience Entered",
                                                        "high_value_recent",
                                                        alice)),
                        "alice was already in high_value_recent: the restored membership holds");
                assertEquals(
                        1,
                        SavepointFixture.read(kafka, profiles).stream()
                                .filter(p -> isUser(p, "bob"))
                                .map(p -> p.path("id").asText())
                                .distinct()
                                .count(),
                        "anon-bob still belongs to bob's profile");
            } finally {
                job.cancel().get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static boolean transition(JsonNode t, String event, String audience, String profile) {
        return event.equals(t.path("event").asText())
                && audience.equals(t.at("/properties/audience_id").asText())
                && profile.equals(t.path("userId").asText());
    }

    private static String profileId(EmbeddedKafka kafka, String topic, String user) {
        try {
            return SavepointFixture.read(kafka, topic).stream()
                    .filter(p -> isUser(p, user))
                    .map(p -> p.path("id").asText())
                    .findFirst()
                    .orElse("no profile of " + user);
        } catch (Exception e) {
            throw new IllegalStateException("profiles of " + user + " could not be read", e);
        }
    }
}
