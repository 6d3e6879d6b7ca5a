package io.tessera.identity;

import io.tessera.definitions.DefinitionRejection;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.DefinitionsBroadcast;
import io.tessera.profile.ProfileSettings;
import java.util.function.UnaryOperator;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Stages 2 and 3: stitches the identifiers of accepted events into profiles, and keeps each
 * profile's computed traits and rule audiences current (see {@link io.tessera.profile}).
 */
public final class IdentityStage {
    private IdentityStage() {}

    /**
     * What the stage yields.
     *
     * @param events every accepted event with the profile it was credited to
     * @param profiles profile snapshots and removals, for {@code cdp.profiles}
     * @param merges merges, for {@code cdp.profile-merges}
     * @param rejectedLinks links the rules refused, for audit
     * @param audienceTransitions rule audience entries and exits
     * @param rejectedDefinitions control-topic records refused, with the reason
     * @param forSequences the events as the sequence audiences read them
     */
    public record Resolved(
            DataStream<ResolvedEvent> events,
            DataStream<ProfileUpdate> profiles,
            DataStream<ProfileMerged> merges,
            DataStream<RejectedLink> rejectedLinks,
            DataStream<AudienceTransition> audienceTransitions,
            DataStream<DefinitionRejection> rejectedDefinitions,
            ForSequences forSequences) {

        /**
         * The resolved events for the sequence audiences.
         *
         * @param events the events, not yet partitioned by profile
         * @param partition null when the sequence stage partitions the events it chooses by profile
         *     itself, with {@code keyBy(profileId)}; otherwise the partitioning to give them to,
         *     which counts every event (distributed mode holds their event time there, below the
         *     events still in flight), so none may be left out, only reduced
         */
        public record ForSequences(
                DataStream<ResolvedEvent> events,
                UnaryOperator<DataStream<ResolvedEvent>> partition) {}

        /**
         * Writes the stage's own outputs: merges, refused links and refused definitions (the
         * events, profiles and transitions go on to the later stages).
         *
         * @param rejectedDefinitionsSink refused control-topic records, or null when there is no
         *     control topic
         * @param rejectedDefinitionsUid that sink's uid
         */
        public void writeTo(
                Sink<ProfileMerged> mergesSink,
                Sink<RejectedLink> rejectedLinksSink,
                Sink<DefinitionRejection> rejectedDefinitionsSink,
                String rejectedDefinitionsUid) {
            merges.sinkTo(mergesSink)
                    .uid(IdentityUids.MERGES_SINK)
                    .name(IdentityUids.MERGES_SINK_NAME);
            rejectedLinks
                    .sinkTo(rejectedLinksSink)
                    .uid(IdentityUids.REJECTED_LINKS_SINK)
                    .name(IdentityUids.REJECTED_LINKS_SINK_NAME);
            if (rejectedDefinitionsSink != null) {
                rejectedDefinitions
                        .sinkTo(rejectedDefinitionsSink)
                        .uid(rejectedDefinitionsUid)
                        .name("Rejected definitions");
            }
        }
    }

    /**
     * Resolves every event to a profile, per tenant, and computes the profile's traits.
     *
     * @param definitions live updates of definitions (the control topic), broadcast to every
     *     subtask
     */
    public static Resolved resolveProfiles(
            DataStream<CustomerEvent> events,
            DataStream<DefinitionUpdate> definitions,
            IdentitySettings settings,
            ProfileSettings profile) {
        SingleOutputStreamOperator<ResolvedEvent> resolved =
                DefinitionsBroadcast.process(
                                events.keyBy(CustomerEvent::tenant),
                                definitions,
                                SingleModeIdentityFunction.DEFINITIONS,
                                new SingleModeIdentityFunction(
                                        settings.rules(), settings.expiringTtl(), profile),
                                TypeInformation.of(ResolvedEvent.class),
                                IdentityUids.RESOLVE_SINGLE_NAME)
                        .uid(IdentityUids.RESOLVE_SINGLE)
                        .name(IdentityUids.RESOLVE_SINGLE_NAME);
        return new Resolved(
                resolved,
                resolved.getSideOutput(IdentityOutputs.PROFILES),
                resolved.getSideOutput(IdentityOutputs.MERGES),
                resolved.getSideOutput(IdentityOutputs.REJECTED_LINKS),
                resolved.getSideOutput(IdentityOutputs.AUDIENCE_TRANSITIONS),
                resolved.getSideOutput(IdentityOutputs.REJECTED_DEFINITIONS),
                new Resolved.ForSequences(resolved, null));
    }
}
