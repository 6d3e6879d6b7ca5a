package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.IdentityJson;
import io.tessera.identity.ProfileState;
import io.tessera.identity.TraitValue;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The job's own event and profile types travel through the loop unchanged. */
class JobTypesCodecTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);

    @Test
    void anEventAndAProfileReadBackEqual() {
        CustomerEvent event =
                new CustomerEvent(
                        "m1",
                        "identify",
                        null,
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1"), new Identifier("email", "a@b.io")),
                        "anon-0",
                        "{\"type\":\"identify\",\"traits\":{\"plan\":\"pro\"}}",
                        CustomerEvent.DEFAULT_TENANT);
        ProfileState profile = ProfileState.found("p_1_x", 1, new Identifier("user_id", "u1"));
        profile.add(new Identifier("email", "a@b.io"));
        profile.credit("identify", null, 5, Map.of("plan", new TraitValue("\"pro\"", 5, "m1")));
        profile.updateConsent(new TraitValue("{\"personalization\":true}", 5, "m1"));
        profile.traitValues.put("orders", "3");
        profile.audiences.put("buyers", 5L);
        ClusterId from = new ClusterId(2, "email:a@b.io");

        var contribute =
                (Message.Contribute<CustomerEvent, ProfileState>)
                        CODEC.decode(
                                        CODEC.encode(
                                                Address.cluster(from),
                                                new Message.Contribute<>("m1", event)))
                                .message();
        var absorb =
                (Message.Absorb<CustomerEvent, ProfileState>)
                        CODEC.decode(
                                        CODEC.encode(
                                                Address.cluster(from),
                                                new Message.Absorb<>(
                                                        from,
                                                        new TreeSet<>(profile.identifiers),
                                                        profile,
                                                        Map.of("user_id", "u1"),
                                                        false,
                                                        new TreeSet<>(),
                                                        new java.util.TreeMap<>(),
                                                        true,
                                                        Message.UNKNOWN_TIME)))
                                .message();

        assertEquals(event.toString(), contribute.payload().toString());
        assertEquals(event.identifiers(), contribute.payload().identifiers());
        assertEquals(event.message(), contribute.payload().message());
        assertEquals(
                IdentityJson.profile(profile).toString(),
                IdentityJson.profile(absorb.state()).toString());
    }

    /**
     * The messages every event sends are written in the binary form, and read back as written:
     * every field, and the event with every field of its own (the record of one written again is
     * the same bytes). The JSON of the release before is still read.
     */
    @Test
    void theMessagesOfEveryEventReadBackAsWrittenInTheBinaryForm() {
        CustomerEvent event =
                new CustomerEvent(
                        "m1",
                        "track",
                        "Order Completed",
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1"), new Identifier("email", "ä@b.io")),
                        null,
                        "{\"type\":\"track\",\"properties\":{\"total\":50}}",
                        "acme");
        event.orderKey = "device-1";
        event.orderPosition = 7;
        CustomerEvent bare = new CustomerEvent(null, "page", null, -5, null, null, null, null);
        ClusterId old = new ClusterId(1_000, "user_id:u1");
        ClusterId young = new ClusterId(2_000, "email:ä@b.io");
        List<LoopCodec.Envelope<CustomerEvent, ProfileState>> samples =
                List.of(
                        new LoopCodec.Envelope<>(
                                Address.cluster(old), new Message.Contribute<>("m1", event)),
                        new LoopCodec.Envelope<>(
                                Address.cluster(old), new Message.Contribute<>("m2", bare)),
                        new LoopCodec.Envelope<>(
                                Address.directory("user_id:u1"),
                                new Message.Probe<>(
                                        "m1", "user_id:u1", 5, event, "device-1", 7, "user_id:u1")),
                        new LoopCodec.Envelope<>(
                                Address.directory("email:ä@b.io"),
                                new Message.Probe<>("m1", "email:ä@b.io", 5, null)),
                        new LoopCodec.Envelope<>(
                                Address.gather("m1"),
                                new Message.Reply<>("m1", "user_id:u1", old, true)),
                        new LoopCodec.Envelope<>(
                                Address.gather("m1"),
                                new Message.Reply<>(
                                        "m1",
                                        "email:ä@b.io",
                                        young,
                                        false,
                                        true,
                                        "user_id:u1",
                                        new Message.Init<>("email:ä@b.io", "device-1", 7),
                                        false)),
                        new LoopCodec.Envelope<>(
                                Address.gather("m1"),
                                Message.Reply.beingPlaced(
                                        "m1", "email:ä@b.io", young, "user_id:u1")),
                        new LoopCodec.Envelope<>(
                                Address.gather("m1"),
                                new Message.Event<>(
                                        "m1",
                                        List.of("user_id:u1", "email:ä@b.io"),
                                        "user_id:u1",
                                        5,
                                        event)),
                        new LoopCodec.Envelope<>(
                                Address.directory("email:ä@b.io"), new Message.Repoint<>(old)),
                        new LoopCodec.Envelope<>(
                                Address.directory("email:ä@b.io"),
                                Message.Repoint.placing(old, young)),
                        new LoopCodec.Envelope<>(
                                Address.directory("email:ä@b.io"),
                                new Message.Repoint<>(old, true)),
                        new LoopCodec.Envelope<>(
                                Address.cluster(young),
                                new Message.Init<CustomerEvent, ProfileState>(
                                                "email:ä@b.io", "device-1", 7)
                                        .tellingDirectory()),
                        new LoopCodec.Envelope<>(
                                Address.cluster(old),
                                new Message.Admit<>(
                                        "m1",
                                        List.of(
                                                new Message.PlanStep("user_id:u1", old, true),
                                                new Message.PlanStep("email:ä@b.io", young, false)),
                                        5,
                                        new Message.Contribute<>("m1", event),
                                        List.of(
                                                new Message.Init<>("email:ä@b.io", "device-1", 7),
                                                new Message.Init<>("phone:+1")))));
        List<LoopCodec.Envelope<CustomerEvent, ProfileState>> merges =
                mergeSamples(event, bare, old, young);
        samples = new java.util.ArrayList<>(samples);
        samples.addAll(merges);
        for (LoopCodec.Envelope<CustomerEvent, ProfileState> sample : samples) {
            byte[] written = CODEC.encode(sample.to(), sample.message());
            assertEquals(LoopBinaryForm.VERSION, written[0], sample.message().toString());
            LoopCodec.Envelope<CustomerEvent, ProfileState> read = CODEC.decode(written);
            assertEquals(sample.to(), read.to());
            assertEquals(sample.message().toString(), read.message().toString());
            assertEquals(profileOf(sample.message()), profileOf(read.message()));
            assertArrayEquals(written, CODEC.encode(read.to(), read.message()));
            // the release before wrote them as JSON, which is still read
            LoopCodec.Envelope<CustomerEvent, ProfileState> json =
                    CODEC.decode(CODEC.encodeJson(sample.to(), sample.message()));
            assertArrayEquals(written, CODEC.encode(json.to(), json.message()));
        }
        CustomerEvent back =
                ((Message.Contribute<CustomerEvent, ProfileState>)
                                CODEC.decode(
                                                CODEC.encode(
                                                        Address.cluster(old),
                                                        samples.get(0).message()))
                                        .message())
                        .payload();
        assertEquals(
                List.of(
                        "m1",
                        "track",
                        "Order Completed",
                        "1700000000000",
                        "[Identifier[type=user_id, value=u1], Identifier[type=email,"
                                + " value=ä@b.io]]",
                        "null",
                        event.message,
                        "acme",
                        "device-1",
                        "7"),
                List.of(
                        back.messageId,
                        back.type,
                        back.event,
                        String.valueOf(back.eventTime),
                        String.valueOf(back.identifiers),
                        String.valueOf(back.previousId),
                        back.message,
                        back.tenant,
                        back.orderKey,
                        String.valueOf(back.orderPosition)));
    }

    /**
     * The merges', deletes' and blames' messages (binary since version 6), a profile among them in
     * its state form, and the optional fields both present and absent.
     */
    private static List<LoopCodec.Envelope<CustomerEvent, ProfileState>> mergeSamples(
            CustomerEvent event, CustomerEvent bare, ClusterId old, ClusterId young) {
        ProfileState profile = ProfileState.found("p_1_x", 1, new Identifier("user_id", "u1"));
        profile.add(new Identifier("email", "ä@b.io"));
        profile.credit("identify", null, 5, Map.of("plan", new TraitValue("\"pro\"", 5, "m1")));
        profile.traitValues.put("orders", "3");
        profile.audiences.put("buyers", 5L);
        ClusterId third = new ClusterId(3_000, "device_id:d1");
        Reservation reservation =
                new Reservation(
                        new java.util.TreeMap<>(Map.of("user_id", "u2")),
                        new java.util.TreeMap<>(Map.of("user_id", 1, "email", 2)),
                        3);
        Reservation bareReservation = new Reservation(null, null, 0);
        var pending = new java.util.TreeMap<ClusterId, Reservation>(Map.of(third, reservation));
        var contribution = new Message.Contribute<CustomerEvent, ProfileState>("m1", event);
        return List.of(
                new LoopCodec.Envelope<>(
                        Address.cluster(young),
                        new Message.Link<>(
                                old, List.of(third, old), contribution, "email:ä@b.io", 5, "m1")),
                new LoopCodec.Envelope<>(
                        Address.cluster(young), new Message.Link<>(old, List.of())),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Plan<>(
                                "m1",
                                List.of(
                                        new Message.PlanStep("user_id:u1", old, true),
                                        new Message.PlanStep("email:ä@b.io", young, false)),
                                5)),
                new LoopCodec.Envelope<>(Address.cluster(old), new Message.Skip<>("m1", young)),
                new LoopCodec.Envelope<>(
                        Address.cluster(old), new Message.Propose<>(young, reservation, pending)),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Propose<>(young, bareReservation, new java.util.TreeMap<>())),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Offer<>(
                                young,
                                new TreeSet<>(profile.identifiers),
                                profile,
                                reservation,
                                new TreeSet<>(List.of(third)),
                                pending,
                                true,
                                contribution,
                                5,
                                "m1")),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Offer<>(
                                young,
                                new TreeSet<>(),
                                null,
                                null,
                                new TreeSet<>(),
                                new java.util.TreeMap<>(),
                                false,
                                null,
                                Message.UNKNOWN_TIME)),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Relay<>(
                                young,
                                new Message.Contribute<CustomerEvent, ProfileState>("m2", bare))),
                new LoopCodec.Envelope<>(Address.cluster(young), new Message.Accept<>(old, true)),
                new LoopCodec.Envelope<>(Address.cluster(young), new Message.Accept<>(old)),
                new LoopCodec.Envelope<>(
                        Address.cluster(young),
                        new Message.Reject<>(old, "unique", "user_id is unique", true, third)),
                new LoopCodec.Envelope<>(
                        Address.cluster(young), new Message.Reject<>(old, "limit", "too many")),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.Absorb<>(
                                young,
                                new TreeSet<>(profile.identifiers),
                                profile,
                                new java.util.TreeMap<>(Map.of("user_id", "u1")),
                                true,
                                new TreeSet<>(List.of(third)),
                                pending,
                                false,
                                5)),
                new LoopCodec.Envelope<>(
                        Address.directory("email:ä@b.io"), new Message.Blame<>("email:ä@b.io")),
                new LoopCodec.Envelope<>(
                        Address.directory("email:ä@b.io"),
                        new Message.Erase<>("m3", "email:ä@b.io", 5, event)),
                new LoopCodec.Envelope<>(
                        Address.cluster(old),
                        new Message.EraseJoined<>(young, reservation, 5, event)),
                new LoopCodec.Envelope<>(
                        Address.cluster(old), new Message.EraseJoined<>(young, null, 5, null)),
                new LoopCodec.Envelope<>(
                        Address.directory("email:ä@b.io"), new Message.Forget<>(young, 7)));
    }

    /** The profile a merge's message carries, as the job shows it; "" for the others. */
    private static String profileOf(Message<CustomerEvent, ProfileState> message) {
        ProfileState state =
                message instanceof Message.Offer<CustomerEvent, ProfileState> offer
                        ? offer.state()
                        : message instanceof Message.Absorb<CustomerEvent, ProfileState> absorb
                                ? absorb.state()
                                : null;
        return state == null ? "" : IdentityJson.profile(state).toString();
    }

    /** A binary record cut short, of a later version, or of an unknown kind is refused clearly. */
    @Test
    void aBinaryRecordThatDoesNotReadIsRefusedClearly() {
        byte[] written =
                CODEC.encode(
                        Address.cluster(new ClusterId(1, "user_id:u1")),
                        new Message.Repoint<>(new ClusterId(1, "user_id:u1")));
        IllegalArgumentException cut =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> CODEC.decode(Arrays.copyOf(written, written.length - 2)));
        assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());
        byte[] newer = written.clone();
        newer[0] = (byte) (LoopBinaryForm.VERSION + 1);
        IllegalArgumentException later =
                assertThrows(IllegalArgumentException.class, () -> CODEC.decode(newer));
        assertTrue(
                later.getMessage().contains("version " + (LoopBinaryForm.VERSION + 1)),
                later.getMessage());
        byte[] unknown = written.clone();
        int kindAt = 1 + 1 + "CLUSTER".length() + 1 + "1/user_id:u1".length();
        unknown[kindAt] = 99;
        IllegalArgumentException kind =
                assertThrows(IllegalArgumentException.class, () -> CODEC.decode(unknown));
        assertTrue(kind.getMessage().contains("unknown kind 99"), kind.getMessage());
    }

    /**
     * The records of version 5, the release before, are read: their kinds have the same fields in
     * version 6. A kind that version 5 did not write is refused in a record of it.
     */
    @Test
    void theBinaryRecordsOfVersionFiveAreRead() {
        ClusterId old = new ClusterId(1, "user_id:u1");
        byte[] repoint =
                CODEC.encode(Address.directory("email:a@b.io"), new Message.Repoint<>(old));
        repoint[0] = 5;
        assertEquals(
                new Message.Repoint<>(old).toString(), CODEC.decode(repoint).message().toString());
        byte[] accept = CODEC.encode(Address.cluster(old), new Message.Accept<>(old));
        accept[0] = 5;
        IllegalArgumentException refused =
                assertThrows(IllegalArgumentException.class, () -> CODEC.decode(accept));
        assertTrue(
                refused.getMessage().contains("version 5 has an unknown kind 14"),
                refused.getMessage());
    }

    /**
     * An event sent straight to its anchor's cluster keeps what it requires through a probe, a
     * contribution and a relay (version 7); the same kinds of version 6, which end before that
     * field, are read with nothing required.
     */
    @Test
    void whatAnEventRequiresTravelsAndVersionSixIsRead() {
        CustomerEvent event =
                new CustomerEvent(
                        "m1",
                        "track",
                        "Product Viewed",
                        1_700_000_000_000L,
                        List.of(
                                new Identifier("anonymous_id", "a1"),
                                new Identifier("device_id", "d1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT);
        List<String> requires = List.of("default|anonymous_id:a1", "default|device_id:d1");
        ClusterId cluster = new ClusterId(1, "anonymous_id:a1");
        List<Message<CustomerEvent, ProfileState>> required =
                List.of(
                        new Message.Probe<>("m1", "a1", 5, event, "k", 2, null, requires, false),
                        new Message.Contribute<>("m1", event, requires),
                        new Message.Relay<>(
                                cluster, new Message.Contribute<>("m1", event, requires)));
        for (Message<CustomerEvent, ProfileState> message : required) {
            byte[] written = CODEC.encode(Address.cluster(cluster), message);
            assertEquals(LoopBinaryForm.VERSION, written[0]);
            assertEquals(
                    message.toString(), CODEC.decode(written).message().toString(), "read back");
        }
        List<Message<CustomerEvent, ProfileState>> decided =
                List.of(
                        new Message.Probe<>("m1", "a1", 5, event, "k", 2, "a1"),
                        new Message.Contribute<>("m1", event),
                        new Message.Relay<>(cluster, new Message.Contribute<>("m1", event)));
        for (Message<CustomerEvent, ProfileState> message : decided) {
            byte[] written = CODEC.encode(Address.cluster(cluster), message);
            // a probe ends with whether its anchor may join (version 8), after what it requires
            int end = written.length - (message instanceof Message.Probe<?, ?> ? 1 : 0);
            assertEquals(0, written[end - 1], "nothing required: a count of 0 last");
            byte[] sixth = Arrays.copyOf(written, end - 1);
            sixth[0] = 6;
            assertEquals(message.toString(), CODEC.decode(sixth).message().toString(), "version 6");
        }
    }

    /**
     * Whether a never-seen anchor may join the profile of its event's other identifiers travels
     * with a Gather's probe, and the anchor with the admission that places it, with whether it was
     * gathered from provisional answers (version 8); the same kinds of version 7, which end before
     * those fields, are read as a probe that founds and an admission whose anchor is placed.
     */
    @Test
    void anAnchorThatMayJoinTravelsAndVersionSevenIsRead() {
        CustomerEvent event =
                new CustomerEvent(
                        "m1",
                        "identify",
                        null,
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1"), new Identifier("device_id", "d1")),
                        null,
                        "{}",
                        CustomerEvent.DEFAULT_TENANT);
        ClusterId home = new ClusterId(1, "device_id:d1");
        ClusterId wouldFound = new ClusterId(5, "user_id:u1");
        Message.Probe<CustomerEvent, ProfileState> probe =
                new Message.Probe<>("m1", "user_id:u1", 5, null, "k", 2, "user_id:u1", null, true);
        Message.Admit<CustomerEvent, ProfileState> admit =
                new Message.Admit<>(
                        "m1",
                        List.of(
                                new Message.PlanStep("user_id:u1", wouldFound, false),
                                new Message.PlanStep("device_id:d1", home, true)),
                        5,
                        new Message.Contribute<>("m1", event),
                        List.of(new Message.Init<>("user_id:u1", "k", 2)),
                        "user_id:u1",
                        true);
        assertEquals(wouldFound, admit.anchorsCluster(home), "refused: credited where it founds");
        for (Message<CustomerEvent, ProfileState> message : List.of(probe, admit)) {
            byte[] written = CODEC.encode(Address.directory("user_id:u1"), message);
            assertEquals(8, written[0]);
            assertEquals(message, CODEC.decode(written).message(), "read back");
        }

        byte[] probeOfSeven = CODEC.encode(Address.directory("user_id:u1"), probe);
        assertEquals(1, probeOfSeven[probeOfSeven.length - 1], "may join: a true last");
        probeOfSeven = Arrays.copyOf(probeOfSeven, probeOfSeven.length - 1);
        probeOfSeven[0] = 7;
        Message.Probe<?, ?> founding = (Message.Probe<?, ?>) CODEC.decode(probeOfSeven).message();
        assertEquals(probe.eventId(), founding.eventId());
        assertTrue(!founding.mayJoin(), "version 7: a never-seen anchor founds its cluster");

        byte[] admitOfSeven = CODEC.encode(Address.cluster(home), admit);
        // the anchor (a one-byte varint of its length, then its bytes), then whether provisional
        assertEquals(1, admitOfSeven[admitOfSeven.length - 1], "provisional: a true last");
        admitOfSeven = Arrays.copyOf(admitOfSeven, admitOfSeven.length - 2 - "user_id:u1".length());
        admitOfSeven[0] = 7;
        Message.Admit<?, ?> placed = (Message.Admit<?, ?>) CODEC.decode(admitOfSeven).message();
        assertEquals(null, placed.anchor());
        assertTrue(!placed.provisional(), "version 7: gathered from final answers");
        assertEquals(home, placed.anchorsCluster(home), "version 7: the anchor is placed");
    }
}
