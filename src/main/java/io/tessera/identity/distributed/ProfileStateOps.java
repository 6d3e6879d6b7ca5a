package io.tessera.identity.distributed;

import io.tessera.identity.IdentifyTraits;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.ProfileComputer;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Profile state as the Cluster moves it, with the profile stage inside, as in single mode: an event
 * credited updates the traits and audiences, a loser folded in brings its trait buckets and leaves
 * its audiences, a new member counts for audiences that need a user id. One step at a time: {@link
 * #begin} before the actor handles a message, {@link #end} after it.
 */
public final class ProfileStateOps implements ProfileOps<CustomerEvent, ProfileState> {
    private static final long serialVersionUID = 1L;

    private transient Step step;

    /** What one step did. */
    public static final class Step {
        private final ProfileComputer computer;
        private long now;
        private final long watermark;
        private boolean changedSinceEvaluation;
        private String trigger = "event";

        /** The events credited, in order. */
        public final List<CustomerEvent> credited = new ArrayList<>();

        /** Audience transitions, of the cluster and of the losers it absorbed. */
        public final List<AudienceTransition> transitions = new ArrayList<>();

        private Step(ProfileComputer computer, long now, long watermark) {
            this.computer = computer;
            this.now = now;
            this.watermark = watermark;
        }
    }

    /** No wake-up later than this event time is acted on (a replay's end). */
    private final long horizon;

    /** A new cluster's profile id. */
    private final SerializableFunction<ClusterId, String> profileIds;

    /** Ops acting on no wake-up after {@code horizon}, giving profile ids of the short form. */
    public ProfileStateOps(long horizon) {
        this(horizon, TenantKeys::profileId);
    }

    /** Ops acting on no wake-up after {@code horizon}, giving new clusters these profile ids. */
    public ProfileStateOps(long horizon, SerializableFunction<ClusterId, String> profileIds) {
        this.horizon = horizon;
        this.profileIds = profileIds;
    }

    /**
     * Starts a step.
     *
     * @param computer the definitions in force
     * @param now the event time of the step: that of the event behind the message; an event
     *     credited counts with its own time if later
     */
    public void begin(ProfileComputer computer, long now) {
        begin(computer, now, Long.MIN_VALUE);
    }

    /**
     * Starts a step.
     *
     * @param watermark the operator's event time: an event at or behind it is late and never waits
     *     for an earlier one of its key
     */
    public void begin(ProfileComputer computer, long now, long watermark) {
        step = new Step(computer, now, watermark);
    }

    /**
     * Ends the step. A profile that changed after its last evaluation (a loser folded in, a member
     * joined, with no event after) is evaluated once more.
     *
     * @param profile the cluster's profile after the step, or null if it merged away
     */
    public Step end(ProfileState profile) {
        Step done = step;
        step = null;
        if (profile != null && done.changedSinceEvaluation) {
            done.transitions.addAll(done.computer.onChange(profile, done.trigger, done.now));
        }
        return done;
    }

    @Override
    public ProfileState empty(ClusterId id) {
        return ProfileState.found(
                profileIds.apply(id), id.createdAt(), TenantKeys.identifier(id.founder()));
    }

    @Override
    public long time(CustomerEvent event) {
        return event.eventTime();
    }

    @Override
    public void credit(ProfileState state, String eventId, CustomerEvent event) {
        state.credit(event.type(), event.event(), event.eventTime(), IdentifyTraits.of(event));
        state.updateConsent(IdentifyTraits.consent(event));
        step.now = Math.max(step.now, event.eventTime());
        String trigger = "merge".equals(step.trigger) ? "merge" : "event";
        // the merge is evaluated with the first event after it (the one it carried); an event
        // credited after that in the same step (one that was held for it) triggers its own
        step.trigger = "event";
        step.transitions.addAll(step.computer.onEvent(state, event, trigger, step.now));
        step.changedSinceEvaluation = false;
        step.credited.add(event);
        if (event.orderKey != null && event.orderPosition > 0) {
            state.credited(event.orderKey, event.orderPosition);
        }
    }

    /** An event waits when the one before it of its key has not been credited here yet. */
    @Override
    public boolean waits(ProfileState state, CustomerEvent event) {
        if (event.orderKey == null || event.orderPosition <= 0) {
            return false;
        }
        if (event.eventTime() <= step.watermark) {
            return false; // late already: held, it would only be later
        }
        long turn = Math.max(state.orderPosition(event.orderKey), state.orderFloor(event.orderKey));
        return event.orderPosition > turn + 1;
    }

    @Override
    public void founded(ProfileState state, String key, long position) {
        state.startOrderAfter(key, position - 1);
    }

    /**
     * Folds a loser in. A loser that brings nothing the profile stage reads (no event, trait,
     * audience or user id: a cluster an identifier founded a moment ago) changes nothing to
     * evaluate, as in single mode, where a new identifier joins a profile without an evaluation.
     */
    @Override
    public void absorb(ProfileState winner, ProfileState loser, long at) {
        // The merge happens at the time of the event that linked them, which the message keeps
        // however long it waited in a locked cluster's buffer.
        step.now = Math.max(step.now, at);
        boolean bringsState =
                loser.eventCount > 0
                        || !loser.traitStates.isEmpty()
                        || !loser.traits.isEmpty()
                        || !loser.audiences.isEmpty()
                        || loser.count(IdentifierTypes.USER_ID) > 0;
        // What was due by then happens first, on both sides, as it would have without the merge.
        step.transitions.addAll(step.computer.wakeUntil(winner, Math.min(step.now, horizon)));
        step.transitions.addAll(step.computer.wakeUntil(loser, Math.min(step.now, horizon)));
        winner.absorb(loser);
        step.computer.merge(winner, loser);
        step.transitions.addAll(step.computer.exitAll(loser, "merge", step.now));
        if (bringsState) {
            step.trigger = "merge";
            step.changedSinceEvaluation = true;
        }
    }

    /**
     * A new member. Only a user id changes what audiences see (those that exclude anonymous
     * profiles); it may arrive after the event that brought it, so the profile is evaluated again.
     */
    @Override
    public void admit(ProfileState state, String identifier) {
        Identifier member = TenantKeys.identifier(identifier);
        state.add(member);
        if (IdentifierTypes.USER_ID.equals(member.type())) {
            step.changedSinceEvaluation = true;
        }
    }
}
