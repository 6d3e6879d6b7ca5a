package io.tessera.identity;

/**
 * Stable operator uids (they map savepoint state back to operators: never change one) and names of
 * the identity stage.
 */
public final class IdentityUids {
    public static final String RESOLVE_SINGLE = "identity-resolve-single";
    public static final String RESOLVE_SINGLE_NAME = "Resolve profiles (single)";
    public static final String PROFILES_SINK = "identity-profiles-sink";
    public static final String PROFILES_SINK_NAME = "Profiles";
    public static final String MERGES_SINK = "identity-merges-sink";
    public static final String MERGES_SINK_NAME = "Profile merges";
    public static final String REJECTED_LINKS_SINK = "identity-rejected-links-sink";
    public static final String REJECTED_LINKS_SINK_NAME = "Rejected links";

    public static final String TRANSITIONS_SINK = "profile-audience-transitions-sink";
    public static final String TRANSITIONS_SINK_NAME = "Audience transitions";

    private IdentityUids() {}
}
