package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys events for deduplication: by messageId; an event without one is keyed by its first
 * identifier (spreading such events over subtasks) and is never treated as a duplicate.
 */
public final class DedupKey implements KeySelector<CustomerEvent, String> {
    private static final long serialVersionUID = 1L;

    /** Prefix of keys of events without a messageId; no messageId can start with it. */
    static final String NO_MESSAGE_ID = "\u0000";

    @Override
    public String getKey(CustomerEvent event) {
        if (event.messageId() != null) {
            return event.messageId();
        }
        return NO_MESSAGE_ID + event.identifiers().get(0).value();
    }

    /** True when the key is a messageId, so the event takes part in deduplication. */
    static boolean isMessageId(String key) {
        return !key.startsWith(NO_MESSAGE_ID);
    }
}
