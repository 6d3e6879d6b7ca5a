package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.IdentitySettings;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The Directory operator: an expiring identifier not seen for its TTL starts a new profile. */
class DirectoryFunctionTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);
    private static final Duration TTL = Duration.ofDays(180);

    @Test
    void anAnonymousIdUnseenForItsTtlStartsANewProfileAUserIdNever() throws Exception {
        try (var harness = directory()) {
            long ttl = TTL.toMillis();

            harness.setStateTtlProcessingTime(0);
            assertEquals(
                    List.of("Init 100/anonymous_id:a1", "Reply 100/anonymous_id:a1"),
                    probe(harness, "anonymous_id:a1", 100));
            assertEquals(
                    List.of("Init 100/user_id:u1", "Reply 100/user_id:u1"),
                    probe(harness, "user_id:u1", 100));

            harness.setStateTtlProcessingTime(ttl - 1);
            assertEquals(
                    List.of("Reply 100/anonymous_id:a1"),
                    probe(harness, "anonymous_id:a1", 200),
                    "seen in time: the same profile, and the TTL starts again");

            harness.setStateTtlProcessingTime(2 * ttl);
            assertEquals(
                    List.of("Init 300/anonymous_id:a1", "Reply 300/anonymous_id:a1"),
                    probe(harness, "anonymous_id:a1", 300),
                    "unseen for the TTL: a new profile");
            assertEquals(
                    List.of("Reply 100/user_id:u1"),
                    probe(harness, "user_id:u1", 300),
                    "a user id never expires");
        }
    }

    @Test
    void anIdentifierNewBesideTheAnchorWaitsForItsEventToPlaceIt() throws Exception {
        String device = "device_id:d1";
        String anchor = "anonymous_id:a1";
        ClusterId anchors = new ClusterId(100, anchor);
        OperatorSubtaskState snapshot;
        try (var harness = directory()) {
            assertEquals(
                    List.of("Reply 101/device_id:d1 unsent"),
                    describe(probe(harness, device, anchor, 100, null)),
                    "no cluster founded: the event places it");
            assertEquals(
                    List.of("Reply 101/device_id:d1 provisional joining " + anchor),
                    describe(probe(harness, device, anchor, 200, null)),
                    "another event hears at once that it is being placed");
            assertEquals(
                    List.of(),
                    describe(probe(harness, device, device, 250, new CustomerEvent())),
                    "an event of its own waits for it");
            snapshot = harness.snapshot(1, 300);
        }
        try (var restored = directory(snapshot)) {
            assertEquals(
                    List.of("Reply " + anchors, "Contribute " + anchors.toString()),
                    describe(
                            send(
                                    restored,
                                    device,
                                    Message.Repoint.placing(anchors, new ClusterId(101, device)),
                                    300)),
                    "placed: what it held is answered, in its order");
            assertEquals(
                    List.of("Reply " + anchors),
                    describe(probe(restored, device, anchor, 400, null)));
        }
    }

    /** A probe of one event, and what the Directory sent on. */
    private static List<Routed> probe(
            KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> harness,
            String identifier,
            String anchor,
            long time,
            CustomerEvent payload)
            throws Exception {
        return send(
                harness,
                identifier,
                new Message.Probe<>("e" + time, identifier, time, payload, "k", 1, anchor),
                time);
    }

    private static List<String> describe(List<Routed> sent) {
        return sent.stream().map(DirectoryFunctionTest::describe).toList();
    }

    /** What the Reply to a Gather's probe says the identifier's cluster joins. */
    private static List<String> joining(
            KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> harness,
            String identifier,
            String anchor,
            long time)
            throws Exception {
        List<String> joins = new ArrayList<>();
        for (Routed routed :
                send(
                        harness,
                        identifier,
                        new Message.Probe<>("e" + time, identifier, time, null, "k", 1, anchor),
                        time)) {
            if (CODEC.decode(routed.record).message()
                    instanceof Message.Reply<CustomerEvent, ProfileState> reply) {
                joins.add(reply.joining());
            }
        }
        return joins;
    }

    /** A Directory operator with the default rules, opened. */
    private static KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> directory()
            throws Exception {
        return directory(null);
    }

    /** A Directory operator with the default rules, restored from a snapshot (null: none). */
    private static KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> directory(
            OperatorSubtaskState snapshot) throws Exception {
        IdentitySettings settings = IdentitySettings.from(new Configuration());
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new DirectoryFunction(CODEC, settings.rules(), TTL)),
                        (Routed r) -> r.key,
                        Types.STRING);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    private static List<String> probe(
            KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> harness,
            String identifier,
            long time)
            throws Exception {
        return send(
                        harness,
                        identifier,
                        new Message.Probe<>("e" + time, identifier, time, null),
                        time)
                .stream()
                .map(DirectoryFunctionTest::describe)
                .toList();
    }

    /** Sends the Directory of an identifier a message; returns what it sent on. */
    private static List<Routed> send(
            KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> harness,
            String identifier,
            Message<CustomerEvent, ProfileState> message,
            long time)
            throws Exception {
        harness.getOutput().clear();
        Address to = Address.directory(identifier);
        harness.processElement(new Routed(to, CODEC.encode(to, message)), time);
        return harness.extractOutputValues();
    }

    /** A message the Directory sent: an Init names its new cluster, a Reply the cluster. */
    private static String describe(Routed routed) {
        Message<CustomerEvent, ProfileState> message = CODEC.decode(routed.record).message();
        if (message instanceof Message.Reply<CustomerEvent, ProfileState> reply) {
            return "Reply "
                    + reply.cluster()
                    + (reply.unsent() != null ? " unsent" : "")
                    + (reply.provisional() ? " provisional joining " + reply.joining() : "");
        }
        return message.getClass().getSimpleName() + " " + routed.key;
    }
}
