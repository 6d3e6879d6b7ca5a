package io.tessera.identity;

import io.tessera.definitions.DefinitionRejection;
import io.tessera.profile.AudienceTransition;
import org.apache.flink.util.OutputTag;

/** The identity stage's side outputs. */
public final class IdentityOutputs {
    /** Profile snapshots and removals, bound for {@code cdp.profiles}. */
    public static final OutputTag<ProfileUpdate> PROFILES = new OutputTag<>("profiles") {};

    /** Merges, bound for {@code cdp.profile-merges}. */
    public static final OutputTag<ProfileMerged> MERGES = new OutputTag<>("profile-merges") {};

    /** Refused links, bound for the rejected-links audit topic. */
    public static final OutputTag<RejectedLink> REJECTED_LINKS =
            new OutputTag<>("rejected-links") {};

    /** Rule audience transitions, bound for {@code cdp.audience-transitions}. */
    public static final OutputTag<AudienceTransition> AUDIENCE_TRANSITIONS =
            new OutputTag<>("audience-transitions") {};

    /** Control-topic records refused, bound for {@code cdp.definitions.rejected}. */
    public static final OutputTag<DefinitionRejection> REJECTED_DEFINITIONS =
            new OutputTag<>("rejected-definitions") {};

    private IdentityOutputs() {}
}
