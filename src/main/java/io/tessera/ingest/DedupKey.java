package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Keys events for deduplication by the device or person that sent them: the anonymous id, else the
 * user id, else the first identifier. A redelivery is the same message, so it meets the same key;
 * and every message of one device passes one subtask, so the device's events keep the order of
 * their Kafka partition on the way to identity (keyed by messageId, two events of one visitor took
 * two subtasks and could overtake each other, which changed the event that founded a profile or
 * merged two, from one run to the next).
 */
public final class DedupKey implements KeySelector<CustomerEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(CustomerEvent event) {
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
