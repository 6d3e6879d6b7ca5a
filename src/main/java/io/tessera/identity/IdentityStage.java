package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Stage 2: stitches the identifiers of accepted events into profiles. */
public final class IdentityStage {
    private IdentityStage() {}

    /**
     * What the stage yields.
     *
     * @param events every accepted event with the profile it was credited to
     * @param profiles profile snapshots and removals, for {@code cdp.profiles}
     * @param merges merges, for {@code cdp.profile-merges}
     * @param rejectedLinks links the rules refused, for audit
     */
    public record Resolved(
            DataStream<ResolvedEvent> events,
            DataStream<ProfileUpdate> profiles,
            DataStream<ProfileMerged> merges,
            DataStream<RejectedLink> rejectedLinks) {}

    /** Resolves every event to a profile, per tenant. */
    public static Resolved resolveProfiles(
            DataStream<CustomerEvent> events, IdentitySettings settings) {
        SingleOutputStreamOperator<ResolvedEvent> resolved =
                events.keyBy(CustomerEvent::tenant)
                        .process(
                                new SingleModeIdentityFunction(
                                        settings.rules(), settings.expiringTtl()))
                        .uid(IdentityUids.RESOLVE_SINGLE)
                        .name(IdentityUids.RESOLVE_SINGLE_NAME);
        return new Resolved(
                resolved,
                resolved.getSideOutput(IdentityOutputs.PROFILES),
                resolved.getSideOutput(IdentityOutputs.MERGES),
                resolved.getSideOutput(IdentityOutputs.REJECTED_LINKS));
    }
}
