package io.tessera.identity.distributed;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Gather actor, keyed by event id. Its state (the pending event, then a done marker against
 * redeliveries) expires a day after it was written; it is kept in a compact form ({@link
 * GatherStateSerializer}).
 */
final class GatherFunction extends KeyedProcessFunction<String, Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String PENDING = "gather-pending";

    static final Duration TTL = Duration.ofDays(1);

    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private transient ValueState<GatherState<CustomerEvent>> pending;

    GatherFunction(LoopCodec<CustomerEvent, ProfileState> codec) {
        this.codec = codec;
    }

    @Override
    public void open(OpenContext openContext) {
        ValueStateDescriptor<GatherState<CustomerEvent>> descriptor =
                new ValueStateDescriptor<>(PENDING, GatherStateSerializer.typeInfo());
        descriptor.enableTimeToLive(StateTtlConfig.newBuilder(TTL).build());
        pending = getRuntimeContext().getState(descriptor);
    }

    @Override
    public void processElement(Routed routed, Context ctx, Collector<Routed> out) throws Exception {
        pending.update(
                GatherActor.handle(
                        ctx.getCurrentKey(),
                        pending.value(),
                        codec.decode(routed.record).message(),
                        new CollectingOutbox<>(codec, out)));
    }
}
