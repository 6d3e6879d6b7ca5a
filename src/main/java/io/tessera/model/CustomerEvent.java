package io.tessera.model;

import java.util.List;
import java.util.Objects;

/**
 * One accepted Segment message as the job understood it: validated, with its event time resolved
 * and its identifiers extracted, normalised and filtered by the blocklist. A POJO class rather than
 * a record: Flink builds records through a slow path on every read, and events are read by every
 * stage (and buffered by CEP).
 */
public final class CustomerEvent {
    /** The tenant of every message when no tenant field is configured. */
    public static final String DEFAULT_TENANT = "default";

    /** Segment's {@code messageId}, or null when the message had none. */
    public String messageId;

    /**
     * {@code track}, {@code identify}, {@code page}, {@code screen}, {@code group}, {@code alias}.
     */
    public String type;

    /** The track event name, or the page or screen name; null otherwise. */
    public String event;

    /** Event time in epoch milliseconds (events.md, "Event time"). */
    public long eventTime;

    /** The usable identifiers, in priority order, without duplicates. */
    public List<Identifier> identifiers;

    /** An alias message's {@code previousId}, normalised; typed by the identity stage. */
    public String previousId;

    /**
     * The message as compact JSON, with a batch envelope's context and sentAt applied; unknown
     * fields are kept.
     */
    public String message;

    /** The tenant the message belongs to ({@code cdp.ingest.tenant-field}). */
    public String tenant;

    /**
     * The sequence whose order the event keeps: its Kafka record's key (else its device, the key
     * deduplication uses) and the device that sent it; null when the event is not numbered.
     */
    public String orderKey;

    /**
     * The event's place among the events of its {@link #orderKey}, from 1 (numbered as
     * deduplication lets them through, so in the order of their partition); 0 when not numbered. A
     * delivery detail, not part of the message: {@link #equals} ignores it.
     */
    public long orderPosition;

    /**
     * Whether the earlier events of its key named every identifier of it (deduplication keeps what
     * a key named, in distributed mode): distributed identity then sends it straight to its
     * anchor's profile, which credits it if it holds every identifier. A delivery detail, not part
     * of the message: {@link #equals} ignores it, and the loop's form does not carry it.
     */
    public boolean identifiersNamed;

    /**
     * Whether the earlier events of its key named some identifier of it (deduplication marks it
     * with {@link #identifiersNamed}): a never-seen anchor of it (a login's new user id) most
     * likely joins the profile of those, so distributed identity lets the event place it there
     * instead of founding a profile that would merge at once. A delivery detail, as {@link
     * #identifiersNamed}.
     */
    public boolean identifiersPartlyNamed;

    /** A POJO needs a public no-argument constructor. */
    public CustomerEvent() {}

    /** An accepted event. */
    public CustomerEvent(
            String messageId,
            String type,
            String event,
            long eventTime,
            List<Identifier> identifiers,
            String previousId,
            String message,
            String tenant) {
        this.messageId = messageId;
        this.type = type;
        this.event = event;
        this.eventTime = eventTime;
        this.identifiers = identifiers;
        this.previousId = previousId;
        this.message = message;
        this.tenant = tenant;
    }

    public String messageId() {
        return messageId;
    }

    public String type() {
        return type;
    }

    public String event() {
        return event;
    }

    public long eventTime() {
        return eventTime;
    }

    public List<Identifier> identifiers() {
        return identifiers;
    }

    public String previousId() {
        return previousId;
    }

    public String message() {
        return message;
    }

    public String tenant() {
        return tenant;
    }

    /** The same event, numbered as the {@code position}-th of its key's events. */
    public CustomerEvent numbered(String key, long position) {
        CustomerEvent numbered =
                new CustomerEvent(
                        messageId,
                        type,
                        event,
                        eventTime,
                        identifiers,
                        previousId,
                        message,
                        tenant);
        numbered.orderKey = key;
        numbered.orderPosition = position;
        return numbered;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CustomerEvent other
                && eventTime == other.eventTime
                && Objects.equals(messageId, other.messageId)
                && Objects.equals(type, other.type)
                && Objects.equals(event, other.event)
                && Objects.equals(identifiers, other.identifiers)
                && Objects.equals(previousId, other.previousId)
                && Objects.equals(message, other.message)
                && Objects.equals(tenant, other.tenant);
    }

    @Override
    public int hashCode() {
        return Objects.hash(messageId, type, event, eventTime);
    }

    @Override
    public String toString() {
        return "CustomerEvent[" + type + " " + event + " " + messageId + " at " + eventTime + "]";
    }
}
