package io.tessera.identity.distributed;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Gather actor, keyed by event id. Its state (the pending event, then a done marker against
 * redeliveries) expires a day after it was written.
 */
final class GatherFunction extends KeyedProcessFunction<String, Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String PENDING = "gather-pending";

    static final String EVENT = "gather-event";

    static final Duration TTL = Duration.ofDays(1);

    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private transient ValueState<GatherState<CustomerEvent>> pending;

    /**
     * The event's record as it came, kept apart from the replies' bookkeeping: written once, read
     * once when the event goes on (a state with the payload inside was read and written whole with
     * every reply).
     */
    private transient ValueState<byte[]> event;

    GatherFunction(LoopCodec<CustomerEvent, ProfileState> codec) {
        this.codec = codec;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<GatherState<CustomerEvent>> descriptor =
                new ValueStateDescriptor<>(
                        PENDING, TypeInformation.of(new TypeHint<GatherState<CustomerEvent>>() {}));
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(TTL).build());
        pending = getRuntimeContext().getState(descriptor);
        ValueStateDescriptor<byte[]> events =
                new ValueStateDescriptor<>(
                        EVENT, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
        events.enableTimeToLive(StateTtlConfig.newBuilder(TTL).build());
        event = getRuntimeContext().getState(events);
    }

    @Override
    public void processElement(Routed routed, Context ctx, Collector<Routed> out) throws Exception {
        GatherState<CustomerEvent> before = pending.value();
        if (before != null && before.done) {
            return; // a redelivered event, or a late reply of one: gathered already
        }
        Message<CustomerEvent, ProfileState> message = codec.decode(routed.record).message();
        byte[] eventRecord;
        if (message instanceof Message.Event<CustomerEvent, ProfileState> e) {
            eventRecord = routed.record;
            message = new Message.Event<>(e.eventId(), e.identifiers(), e.anchor(), e.time(), null);
        } else {
            eventRecord = before == null || before.identifiers == null ? null : event.value();
        }
        GatherState<CustomerEvent> after =
                GatherActor.handle(
                        ctx.getCurrentKey(),
                        before,
                        message,
                        new CollectingOutbox<>(codec, out),
                        eventRecord == null ? null : () -> payloadOf(eventRecord));
        pending.update(after);
        if (after.done) {
            if (before != null && before.identifiers != null) {
                event.clear();
            }
        } else if (message instanceof Message.Event<CustomerEvent, ProfileState>) {
            event.update(eventRecord);
        }
    }

    private CustomerEvent payloadOf(byte[] record) {
        return ((Message.Event<CustomerEvent, ProfileState>) codec.decode(record).message())
                .payload();
    }
}
