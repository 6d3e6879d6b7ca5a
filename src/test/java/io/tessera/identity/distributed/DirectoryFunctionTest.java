package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.IdentitySettings;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
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
    void anIdentifierFoundedBesideTheAnchorAnswersItUntilARepointEndsTheFoundingMerge()
            throws Exception {
        try (var harness = directory()) {
            String device = "device_id:d1";
            String anchor = "anonymous_id:a1";
            assertEquals(
                    Collections.singletonList((String) null),
                    joining(harness, device, anchor, 100),
                    "founded");
            assertEquals(List.of(anchor), joining(harness, device, anchor, 200));
            assertEquals(
                    Collections.singletonList((String) null),
                    joining(harness, anchor, anchor, 200),
                    "the anchor's own probe reads nothing");

            send(harness, device, new Message.Repoint<>(new ClusterId(101, device), true), 300);
            assertEquals(
                    Collections.singletonList((String) null),
                    joining(harness, device, anchor, 400),
                    "ended");
        }
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
        IdentitySettings settings = IdentitySettings.from(new Configuration());
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(
                                new DirectoryFunction(CODEC, settings.rules(), TTL)),
                        (Routed r) -> r.key,
                        Types.STRING);
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
            return "Reply " + reply.cluster();
        }
        return message.getClass().getSimpleName() + " " + routed.key;
    }
}
