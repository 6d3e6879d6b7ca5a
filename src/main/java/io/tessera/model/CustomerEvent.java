package io.tessera.model;

import java.util.List;

/**
 * One accepted Segment message as the job understood it: validated, with its event time resolved
 * and its identifiers extracted, normalised and filtered by the blocklist.
 *
 * @param messageId Segment's {@code messageId}, or null when the message had none
 * @param type {@code track}, {@code identify}, {@code page}, {@code screen}, {@code group} or
 *     {@code alias}
 * @param event the track event name, or the page or screen name; null otherwise
 * @param eventTime event time in epoch milliseconds (events.md, "Event time")
 * @param identifiers the usable identifiers, in priority order, without duplicates
 * @param previousId an alias message's {@code previousId}, normalised; typed by the identity stage
 * @param message the message as compact JSON, with a batch envelope's context and sentAt applied;
 *     unknown fields are kept
 * @param tenant the tenant the message belongs to ({@code cdp.ingest.tenant-field}), or {@value
 *     #DEFAULT_TENANT}
 */
public record CustomerEvent(
        String messageId,
        String type,
        String event,
        long eventTime,
        List<Identifier> identifiers,
        String previousId,
        String message,
        String tenant) {

    /** The tenant of every message when no tenant field is configured. */
    public static final String DEFAULT_TENANT = "default";
}
