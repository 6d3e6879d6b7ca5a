package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys events for deduplication as their producer keyed them in Kafka: the record's key, else (a
 * record without one, a file) the device that sent the event: its anonymous id, else its user id,
 * else its first identifier. A redelivery is the same record, so it meets its original under the
 * same key; and the events of one key pass one subtask, so they reach identity in the order of
 * their partition. (Keyed by messageId, two events of one visitor took two subtasks and, after a
 * restart, could overtake each other: two runs of the same traffic founded and merged profiles by
 * other events. Keyed by device only, two devices of one person, written under one Kafka key, could
 * still overtake each other.)
 */
public final class DedupKey implements KeySelector<SourcedEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(SourcedEvent sourced) {
        if (sourced.key() != null && !sourced.key().isEmpty()) {
            return sourced.key();
        }
        return deviceOf(sourced.event());
    }

    /** The anonymous id, else the user id, else the first identifier. */
    static String deviceOf(CustomerEvent event) {
        Identifier first = null;
        Identifier user = null;
        for (Identifier identifier : event.identifiers()) {
            if (IdentifierTypes.ANONYMOUS_ID.equals(identifier.type())) {
                return identifier.value();
            }
            if (user == null && IdentifierTypes.USER_ID.equals(identifier.type())) {
                user = identifier;
            }
            first = first == null ? identifier : first;
        }
        return user != null ? user.value() : first.value();
    }
}
