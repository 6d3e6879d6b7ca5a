package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.distributed.ProtocolSimulation.Payload;
import io.tessera.identity.distributed.ProtocolSimulation.Totals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The loop topic's records: every message kind, versions, and bad records. */
class LoopCodecTest {
    private static final LoopCodec<Payload, Totals> CODEC =
            new LoopCodec<>(Payload.class, Totals.class);
    private static final ClusterId OLD = new ClusterId(1_000, "user_id:u1");
    private static final ClusterId YOUNG = new ClusterId(2_000, "anonymous_id:a1");
    private static final Reservation RESERVATION =
            new Reservation(
                    new TreeMap<>(Map.of("user_id", "u2")),
                    new TreeMap<>(Map.of("user_id", 1, "email", 2)),
                    3);

    /** One message of each kind that travels through the loop, with its target. */
    static List<LoopCodec.Envelope<Payload, Totals>> samples() {
        Totals totals = new Totals();
        totals.events.put("e1", 3L);
        return List.of(
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD), new Message.Contribute<>("e9", new Payload("e9", 4))),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Link<>(OLD, List.of(new ClusterId(1_500, "email:x@y.io")))),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Propose<>(
                                YOUNG, RESERVATION, new TreeMap<>(Map.of(OLD, RESERVATION)))),
                new LoopCodec.Envelope<>(Address.cluster(YOUNG), new Message.Accept<>(OLD)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Reject<>(OLD, "unique", "user_id is unique")),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Absorb<>(
                                YOUNG,
                                new TreeSet<>(Set.of("anonymous_id:a1", "email:x@y.io")),
                                totals,
                                new TreeMap<>(Map.of("user_id", "u2")),
                                true,
                                new TreeSet<>(Set.of(new ClusterId(3_000, "device_id:d1"))),
                                new TreeMap<>(
                                        Map.of(new ClusterId(4_000, "device_id:d2"), RESERVATION)),
                                true,
                                Message.UNKNOWN_TIME)),
                new LoopCodec.Envelope<>(
                        Address.directory("anonymous_id:a1"), new Message.Repoint<>(OLD)),
                new LoopCodec.Envelope<>(Address.cluster(OLD), new Message.Init<>("email:x@y.io")),
                new LoopCodec.Envelope<>(
                        Address.gather("e7"),
                        new Message.Event<>(
                                "e7",
                                List.of("user_id:u1", "anonymous_id:a1"),
                                "user_id:u1",
                                7_000,
                                new Payload("e7", 2))),
                new LoopCodec.Envelope<>(
                        Address.directory("anonymous_id:a1"),
                        new Message.Probe<>("e7", "anonymous_id:a1", 7_000, null)),
                new LoopCodec.Envelope<>(
                        Address.directory("anonymous_id:a2"),
                        new Message.Probe<>("e8", "anonymous_id:a2", 8_000, new Payload("e8", 1))),
                new LoopCodec.Envelope<>(
                        Address.gather("e7"), new Message.Reply<>("e7", "user_id:u1", OLD)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Link<>(
                                OLD,
                                List.of(),
                                new Message.Contribute<>("e5", new Payload("e5", 6)))),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Erase<>("d1", "user_id:u1", 9_000, new Payload("d1", 0))),
                new LoopCodec.Envelope<>(
                        Address.directory("anonymous_id:a1"), new Message.Forget<>(OLD, 2_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.EraseJoined<>(
                                YOUNG, RESERVATION, 9_000, new Payload("d1", 0, 9_000))),
                new LoopCodec.Envelope<>(
                        Address.directory("device_id:kiosk"),
                        new Message.Blame<>("device_id:kiosk")),
                new LoopCodec.Envelope<>(
                        Address.gather("e8"),
                        new Message.Reply<>("e8", "device_id:kiosk", OLD, true)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Link<>(
                                OLD, List.of(), null, "device_id:kiosk", Message.UNKNOWN_TIME)),
                // version 3: the time of the event behind a merge, offers, offers taken
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Link<>(OLD, List.of(), null, "device_id:kiosk", 6_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Absorb<>(
                                YOUNG,
                                new TreeSet<>(Set.of("anonymous_id:a1")),
                                totals,
                                new TreeMap<>(),
                                true,
                                new TreeSet<>(),
                                new TreeMap<>(),
                                false,
                                6_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Offer<>(
                                YOUNG,
                                new TreeSet<>(Set.of("anonymous_id:a1", "email:x@y.io")),
                                totals,
                                RESERVATION,
                                new TreeSet<>(Set.of(new ClusterId(3_000, "device_id:d1"))),
                                new TreeMap<>(
                                        Map.of(new ClusterId(4_000, "device_id:d2"), RESERVATION)),
                                true,
                                new Message.Contribute<>("e5", new Payload("e5", 6)),
                                6_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Offer<>(
                                YOUNG,
                                new TreeSet<>(Set.of("anonymous_id:a1")),
                                totals,
                                RESERVATION,
                                new TreeSet<>(),
                                new TreeMap<>(),
                                false,
                                null,
                                Message.UNKNOWN_TIME)),
                new LoopCodec.Envelope<>(Address.cluster(YOUNG), new Message.Accept<>(OLD, true)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Relay<>(
                                YOUNG, new Message.Contribute<>("e6", new Payload("e6", 2)))),
                // version 4: plans, decided by an event's oldest cluster as single mode links
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Plan<>(
                                "e7",
                                List.of(
                                        new Message.PlanStep("user_id:u1", OLD, true),
                                        new Message.PlanStep("anonymous_id:a1", YOUNG, false)),
                                7_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Plan<>(
                                "e8",
                                List.of(new Message.PlanStep("user_id:u1", OLD, true)),
                                8_000)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Link<>(OLD, List.of(), null, null, 7_000, "e7")),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Offer<>(
                                YOUNG,
                                new TreeSet<>(Set.of("anonymous_id:a1")),
                                totals,
                                RESERVATION,
                                new TreeSet<>(),
                                new TreeMap<>(),
                                false,
                                null,
                                7_000,
                                "e7")),
                new LoopCodec.Envelope<>(Address.cluster(OLD), new Message.Skip<>("e7", YOUNG)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Reject<>(OLD, "plan", "elsewhere", true, null)),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Reject<>(
                                OLD,
                                "plan",
                                "elsewhere",
                                true,
                                new ClusterId(1_500, "email:x@y.io"))),
                new LoopCodec.Envelope<>(
                        Address.gather("e9"),
                        new Message.Reply<>("e9", "anonymous_id:a9", YOUNG, false, true)),
                new LoopCodec.Envelope<>(
                        Address.gather("e10"),
                        new Message.Reply<>(
                                "e10", "device_id:d9", YOUNG, false, false, "anonymous_id:a9")),
                new LoopCodec.Envelope<>(
                        Address.directory("device_id:d9"), new Message.Repoint<>(YOUNG, true)),
                new LoopCodec.Envelope<>(
                        Address.gather("e11"),
                        new Message.Reply<>(
                                "e11",
                                "device_id:d9",
                                YOUNG,
                                false,
                                true,
                                null,
                                new Message.Init<>("device_id:d9", "k", 3),
                                false)),
                new LoopCodec.Envelope<>(
                        Address.gather("e12"),
                        new Message.Reply<>(
                                "e12",
                                "device_id:d9",
                                YOUNG,
                                false,
                                false,
                                "anonymous_id:a9",
                                null,
                                true)),
                new LoopCodec.Envelope<>(
                        Address.cluster(OLD),
                        new Message.Admit<>(
                                "e11",
                                List.of(
                                        new Message.PlanStep("anonymous_id:a9", OLD, true),
                                        new Message.PlanStep("device_id:d9", YOUNG, false)),
                                1_000,
                                new Message.Contribute<>("e11", new Payload("e11", 4)),
                                List.of(new Message.Init<>("device_id:d9", "k", 3)))),
                new LoopCodec.Envelope<>(
                        Address.cluster(YOUNG),
                        new Message.Init<Payload, Totals>("device_id:d9", "k", 3)
                                .tellingDirectory()),
                new LoopCodec.Envelope<>(
                        Address.directory("device_id:d9"), Message.Repoint.placing(OLD, YOUNG)));
    }

    @Test
    void everyKindReadsBackAsWritten() {
        for (LoopCodec.Envelope<Payload, Totals> sample : samples()) {
            byte[] written = CODEC.encode(sample.to(), sample.message());
            LoopCodec.Envelope<Payload, Totals> read = CODEC.decode(written);

            assertEquals(sample.to(), read.to());
            assertEquals(sample.message().getClass(), read.message().getClass());
            assertArrayEquals(
                    written,
                    CODEC.encode(read.to(), read.message()),
                    new String(written, StandardCharsets.UTF_8));
        }
    }

    /**
     * Kinds a release added: version 1 has the first 13 samples, version 2 the first 19, version 3
     * the first 25, version 4 all.
     */
    @ParameterizedTest
    @CsvSource({"v1.jsonl, 13", "v2.jsonl, 19", "v3.jsonl, 25"})
    void recordsOfEarlierVersionsLeftInTheTopicAreStillRead(String file, int kinds)
            throws Exception {
        List<String> lines = Files.readAllLines(Path.of("src/test/resources/identity-loop", file));
        List<LoopCodec.Envelope<Payload, Totals>> samples = samples().subList(0, kinds);
        assertEquals(samples.size(), lines.size());
        for (int i = 0; i < lines.size(); i++) {
            LoopCodec.Envelope<Payload, Totals> read =
                    CODEC.decode(lines.get(i).getBytes(StandardCharsets.UTF_8));
            assertArrayEquals(
                    CODEC.encode(samples.get(i).to(), samples.get(i).message()),
                    CODEC.encode(read.to(), read.message()),
                    "line " + (i + 1));
        }
    }

    @Test
    void aRecordFromANewerReleaseOrNotOfTheLoopIsRefusedClearly() {
        IllegalArgumentException newer =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                CODEC.decode(
                                        "{\"v\":5,\"actor\":\"CLUSTER\",\"key\":\"k\",\"kind\":\"Accept\"}"
                                                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.getMessage().contains("version 5"), newer.getMessage());
        IllegalArgumentException kind =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                CODEC.decode(
                                        "{\"v\":1,\"actor\":\"CLUSTER\",\"key\":\"k\",\"kind\":\"Fly\"}"
                                                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(kind.getMessage().contains("unknown kind 'Fly'"), kind.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> CODEC.decode("{not json".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aRecordWhoseEventOrStateDoesNotReadIsRefusedWithItsKind() {
        IllegalArgumentException payload =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                CODEC.decode(
                                        ("{\"v\":2,\"actor\":\"CLUSTER\",\"key\":\"k\","
                                             + "\"kind\":\"Contribute\",\"eventId\":\"e1\","
                                             + "\"payload\":[1,2]}")
                                                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(
                payload.getMessage().contains("kind Contribute is malformed"),
                payload.getMessage());
        // a newer release's record is refused for its version, whatever its objects hold
        IllegalArgumentException newer =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                CODEC.decode(
                                        ("{\"v\":5,\"actor\":\"CLUSTER\",\"key\":\"k\","
                                                        + "\"kind\":\"Absorb\",\"state\":\"new\"}")
                                                .getBytes(StandardCharsets.UTF_8)));
        assertTrue(newer.getMessage().contains("version 5"), newer.getMessage());
    }

    @Test
    void fieldsALaterReleaseAddsAreIgnored() {
        LoopCodec.Envelope<Payload, Totals> read =
                CODEC.decode(
                        ("{\"v\":1,\"actor\":\"DIRECTORY\",\"key\":\"anonymous_id:a1\","
                             + "\"kind\":\"Repoint\",\"cluster\":{\"createdAt\":5,"
                             + "\"founder\":\"user_id:u1\",\"shard\":3},\"trace\":\"x\"}")
                                .getBytes(StandardCharsets.UTF_8));

        assertEquals(
                new Message.Repoint<Payload, Totals>(new ClusterId(5, "user_id:u1")),
                read.message());
    }
}
