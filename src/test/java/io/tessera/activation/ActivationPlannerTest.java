package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ProfileState;
import io.tessera.identity.TraitValue;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class ActivationPlannerTest {
    private static final AttributeMap ATTRIBUTES =
            new AttributeMap(
                    Map.of("orders", "cdp_orders", "categories", "cdp_categories"),
                    Map.of("cart_abandoner_30m", "cdp_aud_cart_abandoner_30m"));

    private final ActivationPlanner planner =
            new ActivationPlanner(settings("Order Completed:purchase"), ATTRIBUTES);

    @Test
    void anAnonymousVisitorWhoLogsInIsMergedIntoTheUserIdThenPatched() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("anonymous_id:a1", "personalize_uid:p1");
        profile.traitValues.put("orders", "1");

        List<EdgeRequest> first = planner.plan(state, planner.target(profile), "P1", 1);
        assertEquals(
                List.of("PATCH p1 {\"cdp_aud_cart_abandoner_30m\":false,\"cdp_orders\":1}"),
                describe(first),
                "the first write carries the full set (no unset trait)");

        profile.identifiers.add("user_id:u1");
        List<EdgeRequest> login = planner.plan(state, planner.target(profile), "P1", 2);

        assertEquals(
                List.of(
                        "MERGE u1 {\"sourceUserUid\":\"p1\",\"targetUserUid\":\"u1\"}",
                        "PATCH u1 {\"cdp_aud_cart_abandoner_30m\":false,\"cdp_orders\":1}"),
                describe(login));
        assertTrue(
                planner.plan(state, planner.target(profile), "P1", 3).isEmpty(),
                "nothing changed: nothing sent");
    }

    @Test
    void aUserUidThatCannotTravelInAHeaderIsPassedOverForTheNextType() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("user_id:\u7528\u6237-1", "personalize_uid:p1");
        profile.traitValues.put("orders", "1");

        assertEquals(
                List.of("PATCH p1 {\"cdp_aud_cart_abandoner_30m\":false,\"cdp_orders\":1}"),
                describe(planner.plan(state, planner.target(profile), "P1", 1)));
        assertEquals(
                "\u7528\u6237-1",
                planner.target(profile("user_id:\u7528\u6237-1")).primary,
                "no uid that can travel: its calls go out to end as unsendable_uid dead letters");
    }

    @Test
    void aMergeWithoutPersonalizeUidKeepsThePrimaryAndSendsOnePatch() {
        // acceptance A6 step 4: P2 (a2, email) merges into P1 (a1, u1, email)
        ActivationState state = new ActivationState();
        ProfileState p1 = profile("anonymous_id:a1", "user_id:u1", "email:ann@shop.io");
        p1.traitValues.put("orders", "0");
        planner.plan(state, planner.target(p1), "P1", 1);

        p1.identifiers.add("anonymous_id:a2");
        p1.traitValues.put("orders", "1");
        List<EdgeRequest> merged = planner.plan(state, planner.target(p1), "P1", 2);

        assertEquals(List.of("PATCH u1 {\"cdp_orders\":1}"), describe(merged));
    }

    @Test
    void aLoserPersonalizeUidIsMergedIntoTheWinnersPrimaryOnce() {
        ActivationState state = new ActivationState();
        ProfileState winner = profile("user_id:u1");
        planner.plan(state, planner.target(winner), "P1", 1);

        winner.identifiers.add("personalize_uid:p9"); // came with a merged profile
        List<EdgeRequest> requests = planner.plan(state, planner.target(winner), "P1", 2);

        assertEquals(
                List.of(
                        "MERGE u1 {\"sourceUserUid\":\"p9\",\"targetUserUid\":\"u1\"}",
                        "PATCH u1 {\"cdp_aud_cart_abandoner_30m\":false}"),
                describe(requests));
        assertTrue(planner.plan(state, planner.target(winner), "P1", 3).isEmpty());
    }

    @Test
    void audienceExitsAndRemovedAttributesAreSentAsFalseAndNull() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("user_id:u1");
        profile.audiences.put("cart_abandoner_30m", 10L);
        profile.traitValues.put("categories", "[\"shoes\",\"hats\"]");
        assertEquals(
                List.of(
                        "PATCH u1 {\"cdp_aud_cart_abandoner_30m\":true,"
                                + "\"cdp_categories\":\"shoes,hats\"}"),
                describe(planner.plan(state, planner.target(profile), "P1", 1)),
                "a list is sent as a comma-separated string");

        profile.audiences.clear();
        assertEquals(
                List.of("PATCH u1 {\"cdp_aud_cart_abandoner_30m\":false}"),
                describe(planner.plan(state, planner.target(profile), "P1", 2)));

        ActivationPlanner withoutTheTrait =
                new ActivationPlanner(
                        settings(""),
                        new AttributeMap(
                                Map.of(),
                                Map.of("cart_abandoner_30m", "cdp_aud_cart_abandoner_30m")));
        assertEquals(
                List.of("PATCH u1 {\"cdp_categories\":null}"),
                describe(withoutTheTrait.plan(state, withoutTheTrait.target(profile), "P1", 3)),
                "an attribute no longer defined is unset");
    }

    @Test
    void aProfileWithoutPersonalizeUserIsNotActivatedUntilItHasOne() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("anonymous_id:a1");
        profile.traitValues.put("orders", "2");

        assertTrue(planner.plan(state, planner.target(profile), "P1", 1).isEmpty());
        assertNull(planner.event(state, track("Order Completed"), "P1", 1));

        profile.identifiers.add("user_id:u1");
        assertEquals(
                List.of("PATCH u1 {\"cdp_aud_cart_abandoner_30m\":false,\"cdp_orders\":2}"),
                describe(planner.plan(state, planner.target(profile), "P1", 2)));
        assertEquals(
                List.of("EVENTS u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]"),
                describe(planner.waitingEvents(state, "P1", 2)),
                "the order that came first goes out once the profile has a user");
        assertTrue(planner.waitingEvents(state, "P1", 3).isEmpty(), "once");
    }

    @Test
    void deniedConsentStopsActivationButNotProfiling() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("user_id:u1");
        profile.traitValues.put("orders", "1");
        profile.updateConsent(new TraitValue("{\"Personalization\":false}", 5, "m5"));

        assertTrue(planner.plan(state, planner.target(profile), "P1", 1).isEmpty());
        assertNull(planner.event(state, track("Order Completed"), "P1", 1));

        profile.updateConsent(new TraitValue("{\"personalization\":true}", 6, "m6"));
        assertEquals(1, planner.plan(state, planner.target(profile), "P1", 2).size());
        assertEquals(
                "EVENTS u1 [{\"type\":\"EVENT\",\"eventKey\":\"purchase\"}]",
                describe(List.of(planner.event(state, track("Order Completed"), "P1", 3))).get(0));
        assertNull(planner.event(state, track("Product Viewed"), "P1", 3), "not configured");
    }

    @Test
    void aDeletedProfileHasItsActivatedAttributesUnset() {
        ActivationState state = new ActivationState();
        ProfileState profile = profile("user_id:u1");
        profile.traitValues.put("orders", "1");
        planner.plan(state, planner.target(profile), "P1", 1);

        assertEquals(
                List.of("PATCH u1 {\"cdp_aud_cart_abandoner_30m\":null,\"cdp_orders\":null}"),
                describe(planner.erase(state, "P1", 2)));
        assertNull(state.primary);
    }

    static ActivationSettings settings(String eventKeys) {
        Configuration config = new Configuration();
        config.setString(ActivationOptions.PROJECT_UID.key(), "project-1");
        config.setString(ActivationOptions.EVENT_KEYS.key(), eventKeys);
        return ActivationSettings.from(config);
    }

    private static ProfileState profile(String... identifiers) {
        ProfileState profile = new ProfileState();
        profile.id = "P1";
        profile.identifiers.addAll(List.of(identifiers));
        return profile;
    }

    private static CustomerEvent track(String name) {
        return new CustomerEvent(
                "m-" + name,
                "track",
                name,
                1,
                List.of(new Identifier("user_id", "u1")),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }

    private static List<String> describe(List<EdgeRequest> requests) {
        return requests.stream()
                .map(
                        r ->
                                (r.call().equals(EdgeRequest.ATTRIBUTES)
                                                ? "PATCH"
                                                : r.call().toUpperCase())
                                        + " "
                                        + r.userUid()
                                        + " "
                                        + r.body())
                .toList();
    }
}
