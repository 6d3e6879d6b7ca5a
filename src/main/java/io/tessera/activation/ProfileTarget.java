package io.tessera.activation;

import io.tessera.identity.ProfileUpdate;

/**
 * A profile change as the activation stage needs it: the {@link ActivationTarget} computed where
 * the snapshot is, before the shuffle to the planner, so only the target crosses the network and
 * not the whole profile. A POJO, as Flink serializes it fastest.
 */
public class ProfileTarget {
    public String profileId;

    /** What Personalize should hold for the profile now, or null when it was removed. */
    public ActivationTarget target;

    /** The profile a removed one was merged into, or null (a privacy deletion). */
    public String mergedInto;

    /** A POJO needs a public no-argument constructor. */
    public ProfileTarget() {}

    ProfileTarget(String profileId, ActivationTarget target, String mergedInto) {
        this.profileId = profileId;
        this.target = target;
        this.mergedInto = mergedInto;
    }

    static ProfileTarget of(ProfileUpdate update, ActivationPlanner planner) {
        return update.isRemoval()
                ? new ProfileTarget(update.profileId(), null, update.mergedInto())
                : new ProfileTarget(update.profileId(), planner.target(update.snapshot()), null);
    }

    public String profileId() {
        return profileId;
    }

    boolean isRemoval() {
        return target == null;
    }
}
