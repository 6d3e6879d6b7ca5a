package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.AudienceTransition;
import io.tessera.profile.LiveDefinitions;
import io.tessera.profile.ProfileComputer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The profile stage inside the Cluster: credit, absorb and a new member, step by step. */
class ProfileStateOpsTest {
    private static final long T = 1_700_000_000_000L;
    private static final String ORDERS =
            """
            {"schema":"cdp.definition/v1","kind":"trait","id":"orders","version":1,
             "status":"active","name":"Orders","type":"event_counter",
             "source":{"event":{"type":"track","name":"Order Completed"}}}\
            """;
    private static final String BUYERS =
            """
            {"schema":"cdp.definition/v1","kind":"audience","id":"buyers","version":1,
             "status":"active","name":"Buyers","type":"rule","includeAnonymous":false,
             "condition":{"field":"traits.orders","op":"gte","value":1}}\
            """;

    private final ProfileComputer computer =
            new ProfileComputer(LiveDefinitions.effective(List.of(ORDERS, BUYERS), List.of()));
    private final ProfileStateOps ops = new ProfileStateOps(Long.MAX_VALUE);

    @Test
    void aMergedLoserLeavesItsAudiencesAndTheWinnerIsEvaluatedAgain() {
        ProfileState visitor = ops.empty(new ClusterId(T, "anonymous_id:a1"));
        ProfileState user = ops.empty(new ClusterId(T + 1, "user_id:u1"));

        ops.begin(computer, T + 1);
        ops.credit(user, "o1", order("o1", T + 1, new Identifier("user_id", "u1")));
        assertEquals(List.of(user.id + " buyers true event"), describe(ops.end(user)));

        ops.begin(computer, T + 2);
        // the link was seen at T + 7; its absorb was replayed from a buffer in a step at T + 2
        ops.absorb(visitor, user, T + 7);
        ProfileStateOps.Step merged = ops.end(visitor);
        assertEquals(
                List.of(user.id + " buyers false merge", visitor.id + " buyers true merge"),
                describe(merged));
        assertEquals(
                List.of(T + 7, T + 7),
                merged.transitions.stream().map(AudienceTransition::at).toList(),
                "at the time of the link");
        assertEquals("1", visitor.traitValues.get("orders"), "the loser's buckets came along");
    }

    @Test
    void anEventCreditedAfterTheMergeInOneStepIsTheTriggerOfWhatItChanges() {
        // A login's merge carries its event; the order after it, held for it, is credited in the
        // same step: the order, not the merge, enters the user in buyers (as in single mode, where
        // the order is an event of its own).
        ProfileState visitor = ops.empty(new ClusterId(T, "anonymous_id:a1"));
        ProfileState user = ops.empty(new ClusterId(T + 1, "user_id:u1"));
        ops.begin(computer, T);
        ops.credit(visitor, "v1", view("v1", T, new Identifier("anonymous_id", "a1")));
        ops.end(visitor);
        ops.begin(computer, T + 1);
        ops.admit(user, "user_id:u1");
        ops.end(user);

        ops.begin(computer, T + 1);
        ops.absorb(visitor, user, T + 1);
        ops.credit(visitor, "login", view("login", T + 1, new Identifier("user_id", "u1")));
        ops.credit(visitor, "o1", order("o1", T + 2, new Identifier("user_id", "u1")));
        assertEquals(List.of(visitor.id + " buyers true event"), describe(ops.end(visitor)));
    }

    @Test
    void aUserIdArrivingAfterItsEventCountsAtOnce() {
        ProfileState visitor = ops.empty(new ClusterId(T, "anonymous_id:a1"));

        ops.begin(computer, T);
        ops.credit(visitor, "o1", order("o1", T, new Identifier("anonymous_id", "a1")));
        assertEquals(List.of(), describe(ops.end(visitor)), "anonymous: not an audience member");

        ops.begin(computer, T + 5);
        ops.admit(visitor, "anonymous_id:a2");
        assertEquals(List.of(), describe(ops.end(visitor)), "another anonymous id changes nothing");

        ops.begin(computer, T + 10);
        ops.admit(visitor, "user_id:u1");
        assertEquals(List.of(visitor.id + " buyers true event"), describe(ops.end(visitor)));
    }

    @Test
    void aClusterFoundedAMomentAgoChangesNothingToEvaluate() {
        ProfileState visitor = ops.empty(new ClusterId(T, "anonymous_id:a1"));
        ops.begin(computer, T);
        ops.credit(visitor, "o1", order("o1", T, new Identifier("anonymous_id", "a1")));
        ops.end(visitor);
        visitor.traitValues.clear(); // would come back if the profile were evaluated again

        ops.begin(computer, T + 60_000);
        ops.absorb(
                visitor,
                ops.empty(new ClusterId(T + 60_000, "anonymous_id:a2")),
                Message.UNKNOWN_TIME);

        assertEquals(List.of(), describe(ops.end(visitor)));
        assertEquals(java.util.Map.of(), visitor.traitValues, "not evaluated, as in single mode");
        assertEquals(2, visitor.identifiers.size(), "but the identifier joined");
    }

    private static CustomerEvent view(String id, long time, Identifier identifier) {
        return track(id, "Product Viewed", time, identifier);
    }

    private static CustomerEvent order(String id, long time, Identifier identifier) {
        return track(id, "Order Completed", time, identifier);
    }

    private static CustomerEvent track(String id, String name, long time, Identifier identifier) {
        return new CustomerEvent(
                id,
                "track",
                name,
                time,
                List.of(identifier),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }

    private static List<String> describe(ProfileStateOps.Step step) {
        return step.transitions.stream()
                .map(
                        (AudienceTransition t) ->
                                t.profileId()
                                        + " "
                                        + t.audienceId()
                                        + " "
                                        + t.entered()
                                        + " "
                                        + t.trigger())
                .toList();
    }
}
