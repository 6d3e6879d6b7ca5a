package io.tessera.sequences;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import io.tessera.profile.AudienceTransition;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The profile snapshot as {@code cdp.profiles} shows it: the identity stage's snapshot (traits,
 * rule audiences) with the profile's sequence audience memberships added, keyed by profile id.
 * Downstream of both stages, so no loop is needed: it keeps the latest snapshot and the sequence
 * memberships of each profile and re-emits the combination when either changes.
 */
final class ProfileViewFunction
        extends KeyedCoProcessFunction<String, ProfileUpdate, AudienceTransition, ProfileUpdate> {
    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String SNAPSHOT = "profile-view-snapshot";

    static final String SEQUENCE_MEMBERSHIPS = "profile-view-sequence-memberships";

    private transient ValueState<ProfileState> snapshot;
    private transient MapState<String, Long> memberships;

    @Override
    public void open(OpenContext openContext) {
        snapshot =
                getRuntimeContext()
                        .getState(
                                new ValueStateDescriptor<>(
                                        SNAPSHOT, TypeInformation.of(ProfileState.class)));
        memberships =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        SEQUENCE_MEMBERSHIPS, Types.STRING, Types.LONG));
    }

    @Override
    public void processElement1(ProfileUpdate update, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        if (update.isRemoval()) {
            snapshot.clear();
            memberships.clear();
            out.collect(update);
            return;
        }
        snapshot.update(update.snapshot());
        out.collect(combined(update.snapshot()));
    }

    @Override
    public void processElement2(
            AudienceTransition transition, Context ctx, Collector<ProfileUpdate> out)
            throws Exception {
        if (transition.entered()) {
            memberships.put(transition.audienceId(), transition.at());
        } else {
            memberships.remove(transition.audienceId());
        }
        ProfileState last = snapshot.value();
        if (last != null) {
            out.collect(combined(last));
        }
    }

    private ProfileUpdate combined(ProfileState profile) throws Exception {
        ProfileState view = profile.copy();
        for (Map.Entry<String, Long> membership : memberships.entries()) {
            view.audiences.put(membership.getKey(), membership.getValue());
        }
        return new ProfileUpdate(view.id, view, null);
    }
}
