package io.tessera.identity.distributed;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Gather, keyed by event id: probes every identifier of an event, then credits the event to its
 * anchor's cluster and asks every other cluster seen to link to the oldest one.
 */
public final class GatherActor {
    private GatherActor() {}

    /** One step; returns the state after it (a done marker once the event went on). */
    public static <E, A> GatherState<E> handle(
            String eventId, GatherState<E> state, Message<E, A> message, Outbox<E, A> out) {
        if (message instanceof Message.Event<E, A> event) {
            if (state != null) {
                return state; // a redelivered event: gathered already
            }
            GatherState<E> pending = new GatherState<>();
            pending.identifiers = event.identifiers();
            pending.anchor = event.anchor();
            pending.payload = event.payload();
            for (String identifier : event.identifiers()) {
                out.send(
                        Address.directory(identifier),
                        new Message.Probe<>(eventId, identifier, event.time(), null));
            }
            return pending;
        }
        if (message instanceof Message.Reply<E, A> reply) {
            if (state == null || state.done) {
                throw new IllegalStateException("a reply for event " + eventId + " not pending");
            }
            state.replies.put(reply.identifier(), reply.cluster());
            if (state.replies.size() < state.identifiers.size()) {
                return state;
            }
            Set<ClusterId> clusters = new TreeSet<>(state.replies.values());
            ClusterId oldest = clusters.iterator().next();
            out.send(
                    Address.cluster(state.replies.get(state.anchor)),
                    new Message.Contribute<>(eventId, state.payload));
            List<ClusterId> ordered = List.copyOf(clusters);
            for (int i = 1; i < ordered.size(); i++) {
                out.send(
                        Address.cluster(ordered.get(i)),
                        new Message.Link<>(oldest, List.copyOf(ordered.subList(1, i))));
            }
            GatherState<E> done = new GatherState<>();
            done.done = true;
            return done;
        }
        throw new IllegalArgumentException("a Gather cannot take " + message);
    }
}
