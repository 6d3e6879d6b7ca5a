package io.tessera.identity.distributed;

import java.util.List;

/**
 * Where an event enters the protocol: a single-identifier event goes to its Directory, which
 * credits it directly; any other one goes to its Gather and probes each identifier's Directory at
 * once.
 */
public final class EventRouter {
    private EventRouter() {}

    /**
     * Routes one event.
     *
     * @param identifiers its admitted identifiers as {@code type:value}, none repeated
     * @param anchor the one of highest priority, credited with the event
     */
    public static <E, A> void route(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            E payload,
            Outbox<E, A> out) {
        if (identifiers.isEmpty()) {
            throw new IllegalArgumentException("event " + eventId + " has no identifier");
        }
        if (identifiers.size() == 1) {
            out.send(
                    Address.directory(anchor), new Message.Probe<>(eventId, anchor, time, payload));
            return;
        }
        out.send(
                Address.gather(eventId),
                new Message.Event<>(eventId, identifiers, anchor, time, payload));
        for (String identifier : identifiers) {
            out.send(
                    Address.directory(identifier),
                    new Message.Probe<>(eventId, identifier, time, null));
        }
    }
}
