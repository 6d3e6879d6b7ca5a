package io.tessera.identity.distributed;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** The Directory actor, keyed by identifier: its cluster in keyed state. */
final class DirectoryFunction extends KeyedProcessFunction<String, Routed, Routed> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String CLUSTER = "directory-cluster";

    private final LoopCodec<CustomerEvent, ProfileState> codec;
    private transient ValueState<ClusterId> cluster;

    DirectoryFunction(LoopCodec<CustomerEvent, ProfileState> codec) {
        this.codec = codec;
    }

    @Override
    public void open(OpenContext openContext) {
        cluster =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        CLUSTER, TypeInformation.of(ClusterId.class)));
    }

    @Override
    public void processElement(Routed routed, Context ctx, Collector<Routed> out) throws Exception {
        ClusterId after =
                DirectoryActor.handle(
                        ctx.getCurrentKey(),
                        cluster.value(),
                        codec.decode(routed.record).message(),
                        new CollectingOutbox<>(codec, out));
        if (after != null) {
            cluster.update(after);
        }
    }
}
