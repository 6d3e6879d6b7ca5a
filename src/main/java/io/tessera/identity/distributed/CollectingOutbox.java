package io.tessera.identity.distributed;

import org.apache.flink.util.Collector;

/** An outbox that emits every message it is given as a {@link Routed} record. */
final class CollectingOutbox<E, A> implements Outbox<E, A> {
    private final LoopCodec<E, A> codec;
    private final Collector<Routed> out;

    CollectingOutbox(LoopCodec<E, A> codec, Collector<Routed> out) {
        this.codec = codec;
        this.out = out;
    }

    @Override
    public void send(Address to, Message<E, A> message) {
        out.collect(new Routed(to, codec.encode(to, message)));
    }

    @Override
    public void merged(ClusterId loser, ClusterId winner, long at) {
        throw new IllegalStateException("only a Cluster merges");
    }

    @Override
    public void rejected(ClusterId loser, ClusterId winner, String rule, String detail) {
        throw new IllegalStateException("only a Cluster refuses");
    }

    @Override
    public void erased(ClusterId cluster, A state, E delete) {
        throw new IllegalStateException("only a Cluster is erased");
    }

    @Override
    public void dropped(E event) {
        throw new IllegalStateException("only a Cluster drops an event");
    }

    @Override
    public void resend(String eventId, E event) {
        throw new IllegalStateException("only a Cluster sends an event again");
    }
}
