package io.tessera.identity;

import java.util.Objects;

/**
 * One identify trait's value with the time it was set, for last-writer-wins merges. A POJO class
 * rather than a record: Flink builds records through a slower path on every read of state.
 */
public class TraitValue {
    /** The value as compact JSON. */
    public String json;

    /** Event time of the message that set it. */
    public long eventTime;

    /** The message that set it; breaks ties between equal times. */
    public String messageId;

    /** A POJO needs a public no-argument constructor. */
    public TraitValue() {}

    /** A value set by a message at an event time. */
    public TraitValue(String json, long eventTime, String messageId) {
        this.json = json;
        this.eventTime = eventTime;
        this.messageId = messageId;
    }

    /** A copy of this value. */
    public TraitValue copy() {
        return new TraitValue(json, eventTime, messageId);
    }

    /** True when this value was written after the other, by (event time, messageId). */
    public boolean isNewerThan(TraitValue other) {
        if (eventTime != other.eventTime) {
            return eventTime > other.eventTime;
        }
        String mine = messageId == null ? "" : messageId;
        String theirs = other.messageId == null ? "" : other.messageId;
        return mine.compareTo(theirs) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TraitValue other
                && eventTime == other.eventTime
                && Objects.equals(json, other.json)
                && Objects.equals(messageId, other.messageId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(json, eventTime, messageId);
    }
}
