package io.tessera.identity;

/**
 * One identify trait's value with the time it was set, for last-writer-wins merges.
 *
 * @param json the value as compact JSON
 * @param eventTime event time of the message that set it
 * @param messageId the message that set it; breaks ties between equal times
 */
public record TraitValue(String json, long eventTime, String messageId) {

    /** True when this value was written after the other, by (event time, messageId). */
    public boolean isNewerThan(TraitValue other) {
        if (eventTime != other.eventTime) {
            return eventTime > other.eventTime;
        }
        String mine = messageId == null ? "" : messageId;
        String theirs = other.messageId == null ? "" : other.messageId;
        return mine.compareTo(theirs) > 0;
    }
}
