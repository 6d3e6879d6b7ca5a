package io.tessera.profile;

import io.tessera.identity.ProfileUpdate;
import java.time.Duration;
import org.apache.flink.streaming.api.datastream.DataStream;

/** The profile changes as they leave the profile stage: each profile's latest, per interval. */
public final class ProfileChanges {
    /** Uid of the step that lets out each profile's latest change per interval. */
    public static final String COALESCED_UID = "profile-changes-coalesced";

    private ProfileChanges() {}

    /**
     * Each profile's latest change per interval of the clock ({@link ProfileChangesOperator}), in
     * the chain of the operator that made them; the changes as they are when the interval is zero.
     */
    public static DataStream<ProfileUpdate> coalesce(
            DataStream<ProfileUpdate> changes, Duration interval) {
        if (interval.isZero()) {
            return changes;
        }
        return changes.transform(
                        "Profile changes coalesced",
                        changes.getType(),
                        new ProfileChangesOperator(interval.toMillis()))
                .uid(COALESCED_UID)
                .name("Profile changes coalesced");
    }
}
