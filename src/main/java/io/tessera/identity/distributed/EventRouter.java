package io.tessera.identity.distributed;

import java.util.List;

/**
 * Where an event enters the protocol: a single-identifier event goes to its Directory, which
 * credits it directly, as does an event whose identifiers its key named before (its cluster credits
 * it when it holds them all, else routes it again through a Gather); any other one goes to its
 * Gather and probes each identifier's Directory at once.
 */
public final class EventRouter {
    private EventRouter() {}

    /**
     * Routes one event.
     *
     * @param identifiers its admitted identifiers as {@code type:value}, none repeated
     * @param anchor the one of highest priority, credited with the event
     * @param orderKey the sequence the event is numbered in, or null: a cluster it founds knows the
     *     sequence's events before it are not its own to wait for
     * @param orderPosition its place in that sequence (0 when not numbered)
     * @param named whether the earlier events of its key named every identifier of it: it most
     *     likely links nothing, so it goes straight to its anchor's Directory and cluster, which
     *     credits it in its turn if it holds every identifier, else routes it again through a
     *     Gather
     * @param partlyNamed whether the earlier events of its key named some identifier of it: a new
     *     anchor (a login's user id) then most likely joins the profile of those, so the probe of
     *     its anchor asks its Directory to leave it to the event to place ({@link
     *     Message.Probe#mayJoin}) instead of founding a cluster that would merge at once
     */
    public static <E, A> void route(
            String eventId,
            List<String> identifiers,
            String anchor,
            long time,
            E payload,
            String orderKey,
            long orderPosition,
            boolean named,
            boolean partlyNamed,
            Outbox<E, A> out) {
        if (identifiers.isEmpty()) {
            throw new IllegalArgumentException("event " + eventId + " has no identifier");
        }
        if (identifiers.size() == 1 || named) {
            out.send(
                    Address.directory(anchor),
                    new Message.Probe<>(
                            eventId,
                            anchor,
                            time,
                            payload,
                            orderKey,
                            orderPosition,
                            null,
                            identifiers.size() == 1 ? null : List.copyOf(identifiers),
                            false));
            return;
        }
        out.send(
                Address.gather(eventId),
                new Message.Event<>(eventId, identifiers, anchor, time, payload));
        for (String identifier : identifiers) {
            out.send(
                    Address.directory(identifier),
                    new Message.Probe<>(
                            eventId,
                            identifier,
                            time,
                            null,
                            orderKey,
                            orderPosition,
                            anchor,
                            null,
                            partlyNamed && identifier.equals(anchor)));
        }
    }

    /**
     * Routes a privacy delete: to the Directory of each identifier it names, never to a Gather (a
     * delete links nothing).
     */
    public static <E, A> void erase(
            String eventId, List<String> identifiers, long time, E payload, Outbox<E, A> out) {
        for (String identifier : identifiers) {
            out.send(
                    Address.directory(identifier),
                    new Message.Erase<>(eventId, identifier, time, payload));
        }
    }

    /** Separates an event's id from the count of its resends (a character no id holds). */
    private static final char RESENT = '\u001F';

    /**
     * The id an event is routed under when it is sent again: a Gather keeps a mark for every id it
     * gathered (redeliveries), so each resend needs an id of its own.
     */
    public static String resent(String eventId) {
        int at = eventId.indexOf(RESENT);
        if (at < 0) {
            return eventId + RESENT + 1;
        }
        return eventId.substring(0, at + 1) + (Integer.parseInt(eventId.substring(at + 1)) + 1);
    }
}
