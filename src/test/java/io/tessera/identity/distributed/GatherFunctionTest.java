package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** The Gather operator keeps the event's record apart from the replies it waits for. */
class GatherFunctionTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);
    private static final ClusterId OLD = new ClusterId(100, "anonymous_id:a1");
    private static final ClusterId YOUNG = new ClusterId(200, "device_id:d1");

    @Test
    void theEventGoesOnWithItsPayloadWhetherItCameBeforeOrAfterItsRepliesAndAcrossARestore()
            throws Exception {
        CustomerEvent payload = new CustomerEvent();
        payload.messageId = "m1";
        OperatorSubtaskState snapshot;
        try (var harness = gather(null)) {
            assertEquals(List.of(), send(harness, event("e1", payload)), "waits for its replies");
            assertEquals(List.of(), send(harness, reply("e1", "anonymous_id:a1", OLD)));
            snapshot = harness.snapshot(1, 300);
        }
        try (var restored = gather(snapshot)) {
            List<Message<CustomerEvent, ProfileState>> sent =
                    send(restored, reply("e1", "device_id:d1", OLD));
            assertEquals(1, sent.size(), sent.toString());
            assertEquals(
                    "m1",
                    ((Message.Contribute<CustomerEvent, ProfileState>) sent.get(0))
                            .payload()
                            .messageId,
                    "the payload kept apart goes on with the event");
            assertEquals(
                    List.of(),
                    send(restored, event("e1", payload)),
                    "a redelivery: gathered already");
        }
        try (var harness = gather(null)) {
            send(harness, reply("e2", "anonymous_id:a1", OLD));
            send(harness, reply("e2", "device_id:d1", YOUNG));
            List<Message<CustomerEvent, ProfileState>> sent = send(harness, event("e2", payload));
            assertEquals(
                    List.of("m1"),
                    sent.stream()
                            .filter(m -> m instanceof Message.Contribute<?, ?>)
                            .map(
                                    m ->
                                            ((Message.Contribute<CustomerEvent, ProfileState>) m)
                                                    .payload()
                                                    .messageId)
                            .toList(),
                    "replies first: the event goes on with its own payload: " + sent);
        }
    }

    private static Message<CustomerEvent, ProfileState> event(
            String eventId, CustomerEvent payload) {
        return new Message.Event<>(
                eventId,
                List.of("anonymous_id:a1", "device_id:d1"),
                "anonymous_id:a1",
                100,
                payload);
    }

    private static Message<CustomerEvent, ProfileState> reply(
            String eventId, String identifier, ClusterId cluster) {
        return new Message.Reply<>(eventId, identifier, cluster);
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> gather(
            OperatorSubtaskState snapshot) throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new GatherFunction(CODEC)),
                        (Routed r) -> r.key,
                        Types.STRING);
        if (snapshot != null) {
            harness.initializeState(snapshot);
        }
        harness.open();
        return harness;
    }

    /** Sends the Gather of an event a message; returns what it sent on. */
    private static List<Message<CustomerEvent, ProfileState>> send(
            KeyedOneInputStreamOperatorTestHarness<String, Routed, Routed> harness,
            Message<CustomerEvent, ProfileState> message)
            throws Exception {
        harness.getOutput().clear();
        String eventId =
                message instanceof Message.Event<CustomerEvent, ProfileState> e
                        ? e.eventId()
                        : ((Message.Reply<CustomerEvent, ProfileState>) message).eventId();
        Address to = Address.gather(eventId);
        harness.processElement(new Routed(to, CODEC.encode(to, message)), 100);
        return harness.extractOutputValues().stream()
                .map(routed -> CODEC.decode(routed.record).message())
                .toList();
    }
}
