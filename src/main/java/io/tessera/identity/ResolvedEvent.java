package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import java.util.Objects;

/**
 * An accepted event with the profile it was credited to: what the later stages key by. A POJO class
 * rather than a record, for Flink's fast POJO serializer.
 */
public final class ResolvedEvent {
    /** The live profile of the event's highest-priority identifier. */
    public String profileId;

    /** The event. */
    public CustomerEvent event;

    /** A POJO needs a public no-argument constructor. */
    public ResolvedEvent() {}

    /** An event credited to a profile. */
    public ResolvedEvent(String profileId, CustomerEvent event) {
        this.profileId = profileId;
        this.event = event;
    }

    public String profileId() {
        return profileId;
    }

    public CustomerEvent event() {
        return event;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ResolvedEvent other
                && Objects.equals(profileId, other.profileId)
                && Objects.equals(event, other.event);
    }

    @Override
    public int hashCode() {
        return Objects.hash(profileId, event);
    }
}
