package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import io.tessera.tools.LocalFlink;
import io.tessera.tools.LocalJobConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The CEP stage alone on the MiniCluster (RocksDB): resolved events in, transitions out, event time
 * from the events themselves (acceptance A2 and A4).
 */
class SequenceStageITCase {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension static final MiniClusterExtension FLINK = LocalFlink.miniCluster();

    @Test
    @Timeout(120)
    void cartAbandonmentAsAcceptanceA2() throws Exception {
        SequenceDefinition cart =
                SequenceDefinition.of(
                        JSON.readTree(
                                        Path.of("src/test/resources/acceptance/a2-definitions.json")
                                                .toFile())
                                .get(0));

        List<String> transitions =
                run(
                        cart,
                        event("a", "Product Added", "2025-02-01T10:00:00Z"),
                        event("a", "Order Completed", "2025-02-01T10:20:00Z"),
                        event("b", "Product Added", "2025-02-01T10:00:00Z"),
                        event("b", "Order Completed", "2025-02-01T11:00:00Z"),
                        event("c", "Product Added", "2025-02-01T10:00:00Z"),
                        event("c", "Product Added", "2025-02-01T10:10:00Z"));

        assertEquals(
                List.of(
                        "b Entered sequence_match 2025-02-01T10:30:00Z",
                        "b Exited exit_event 2025-02-01T11:00:00Z",
                        "c Entered sequence_match 2025-02-01T10:30:00Z",
                        "c Exited ttl 2025-02-02T10:40:00Z"),
                transitions.stream().sorted().toList(),
                "a ordered in time: never a member");
    }

    @Test
    @Timeout(120)
    void onboardingDropOffAsAcceptanceA4() throws Exception {
        SequenceDefinition onboarding =
                SequenceDefinition.of(
                        JSON.readTree(
                                """
                                {"schema":"cdp.definition/v1","kind":"audience","id":"onboarding_stalled_3d",
                                 "version":1,"status":"active","type":"sequence",
                                 "sequence":{"steps":[
                                   {"name":"signup","match":{"all":[
                                     {"field":"event.name","op":"eq","value":"Signed Up"},
                                     {"field":"event.properties.plan_type","op":"eq","value":"trial"}]}},
                                   {"name":"done","absent":true,
                                    "match":{"field":"event.name","op":"eq","value":"Onboarding Completed"}}],
                                  "within":"P3D"},
                                 "membership":{"ttl":"P30D","exitOn":
                                   {"field":"event.name","op":"eq","value":"Onboarding Completed"}}}
                                """));

        List<String> transitions =
                run(
                        onboarding,
                        signup("a", "trial", "2025-06-01T12:00:00Z"),
                        event("a", "Onboarding Step Viewed", "2025-06-02T09:00:00Z"),
                        event("a", "Onboarding Step Viewed", "2025-06-02T10:00:00Z"),
                        event("a", "Onboarding Step Viewed", "2025-06-02T11:00:00Z"),
                        event("a", "Onboarding Completed", "2025-06-05T09:00:00Z"),
                        signup("b", "paid", "2025-06-01T12:00:00Z"),
                        signup("c", "trial", "2025-06-01T12:00:00Z"),
                        event("c", "Onboarding Completed", "2025-06-03T08:00:00Z"));

        assertEquals(
                List.of(
                        "a Entered sequence_match 2025-06-04T12:00:00Z",
                        "a Exited exit_event 2025-06-05T09:00:00Z"),
                transitions.stream().sorted().toList(),
                "b paid and c completed: never members");
    }

    private static ResolvedEvent signup(String profile, String plan, String time) {
        return new ResolvedEvent(
                profile,
                new CustomerEvent(
                        profile + time,
                        "track",
                        "Signed Up",
                        Instant.parse(time).toEpochMilli(),
                        List.of(new Identifier("user_id", profile)),
                        null,
                        "{\"properties\":{\"plan_type\":\"" + plan + "\"}}",
                        CustomerEvent.DEFAULT_TENANT));
    }

    private static List<String> run(SequenceDefinition sequence, ResolvedEvent... events)
            throws Exception {
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.getExecutionEnvironment(LocalJobConfig.create(1, null));
        DataStream<ResolvedEvent> input =
                env.fromData(TypeInformation.of(ResolvedEvent.class), events)
                        .uid("events")
                        .assignTimestampsAndWatermarks(
                                WatermarkStrategy.<ResolvedEvent>forBoundedOutOfOrderness(
                                                Duration.ZERO)
                                        .withTimestampAssigner((e, ts) -> e.event().eventTime()))
                        .uid("event-time");
        DataStream<DefinitionUpdate> none =
                env.fromData(
                                TypeInformation.of(DefinitionUpdate.class),
                                new DefinitionUpdate("trait/unrelated", null))
                        .uid("control");
        List<String> lines = new ArrayList<>();
        try (CloseableIterator<AudienceTransition> out =
                SequenceStage.matchSequences(input, none, List.of(sequence), Long.MAX_VALUE)
                        .executeAndCollect("sequence-stage")) {
            out.forEachRemaining(
                    t ->
                            lines.add(
                                    t.profileId()
                                            + " "
                                            + (t.entered() ? "Entered " : "Exited ")
                                            + t.trigger()
                                            + " "
                                            + Instant.ofEpochMilli(t.at())));
        }
        return lines;
    }

    private static ResolvedEvent event(String profile, String name, String time) {
        return new ResolvedEvent(
                profile,
                new CustomerEvent(
                        profile + time,
                        "track",
                        name,
                        Instant.parse(time).toEpochMilli(),
                        List.of(new Identifier("user_id", profile)),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT));
    }
}
