package io.tessera.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a profile asks to be woken: at the minute a decayed score compared with a number decays past
 * it, at the minute a relative-time condition flips, at a windowed trait's next bucket expiry,
 * whichever comes first; and never for a condition time cannot change. A membership of an audience
 * the definitions no longer have ends at the next evaluation.
 */
class ProfileWakeUpTest {
    private static final long T = 1_743_494_400_000L; // on the minute
    private static final long MINUTE = 60_000L;

    private static final String SCORE =
            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"engagement\",\"version\":1,"
                + "\"status\":\"active\",\"name\":\"Engagement\",\"type\":\"decayed_score\","
                + "\"halfLife\":\"PT30M\",\"weight\":1,\"source\":{\"event\":{\"type\":\"*\",\"name\":\"*\"}}}";
    private static final String ORDERS =
            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"orders\",\"version\":1,"
                    + "\"status\":\"active\",\"name\":\"Orders\",\"type\":\"event_counter\","
                    + "\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Order Completed\"}}}";
    private static final String WINDOWED =
            "{\"schema\":\"cdp.definition/v1\",\"kind\":\"trait\",\"id\":\"views_1d\",\"version\":1,"
                + "\"status\":\"active\",\"name\":\"Views\",\"type\":\"event_counter\",\"source\":{\"event\":{\"type\":\"track\",\"name\":\"Product"
                + " Viewed\"}},"
                + "\"window\":{\"kind\":\"sliding\",\"size\":\"P1D\",\"granularity\":\"PT1H\"}}";

    private static String audience(String id, String condition) {
        return "{\"schema\":\"cdp.definition/v1\",\"kind\":\"audience\",\"id\":\""
                + id
                + "\",\"version\":1,\"status\":\"active\",\"name\":\""
                + id
                + "\",\"type\":\"rule\",\"condition\":"
                + condition
                + "}";
    }

    @Test
    void aScoreAboveItsThresholdWakesTheProfileWhenItDecaysPastIt() {
        ProfileComputer computer =
                computer(
                        SCORE,
                        audience(
                                "engaged",
                                "{\"field\":\"traits.engagement\",\"op\":\"gte\",\"value\":0.5}"));
        ProfileState profile = new ProfileState();
        List<AudienceTransition> changes = computer.onEvent(profile, view(T), "event", T);
        assertEquals(1, changes.size());
        assertTrue(changes.get(0).entered());
        // 1 decays to 0.5 in one half-life, 30 minutes, where gte 0.5 still holds: the first
        // minute after it
        assertEquals(T + 31 * MINUTE, profile.wakeAt);

        List<AudienceTransition> woken = computer.onWake(profile, profile.wakeAt);
        assertEquals(1, woken.size());
        assertFalse(woken.get(0).entered());
        assertEquals(Long.MAX_VALUE, profile.wakeAt, "under the threshold: nothing to wait for");
    }

    @Test
    void theEarliestOfAFlipAScoreCrossingAndABucketExpiryWins() {
        ProfileComputer computer =
                computer(
                        SCORE,
                        WINDOWED,
                        audience(
                                "recent",
                                "{\"field\":\"profile.last_seen_at\",\"op\":\"within_last\","
                                        + "\"value\":\"PT10M\"}"),
                        audience(
                                "engaged",
                                "{\"field\":\"traits.engagement\",\"op\":\"gte\",\"value\":0.5}"));
        ProfileState profile = new ProfileState();
        profile.lastSeen = T + 5_000;
        profile.firstSeen = T + 5_000;
        profile.eventCount = 1;
        computer.onEvent(profile, view(T + 5_000), "event", T + 5_000);
        // last seen T+5s: the condition flips at T+10min+5s+1ms, up to the next minute
        assertEquals(T + 11 * MINUTE, profile.wakeAt);
    }

    @Test
    void aConditionTimeCannotChangeAsksForNoWakeUp() {
        ProfileComputer computer =
                computer(
                        ORDERS,
                        audience(
                                "buyers",
                                "{\"field\":\"traits.orders\",\"op\":\"gte\",\"value\":1}"));
        ProfileState profile = new ProfileState();
        computer.onEvent(profile, order(T), "event", T);
        assertEquals(Long.MAX_VALUE, profile.wakeAt);
        assertTrue(profile.audiences.containsKey("buyers"));
    }

    @Test
    void aMembershipOfAnAudienceNoLongerDefinedEnds() {
        ProfileComputer computer = computer(ORDERS);
        ProfileState profile = new ProfileState();
        profile.audiences.put("gone", T - MINUTE);
        List<AudienceTransition> changes = computer.onEvent(profile, order(T), "event", T);
        assertEquals(1, changes.size());
        assertEquals("gone", changes.get(0).audienceId());
        assertFalse(changes.get(0).entered());
        assertEquals("definition_change", changes.get(0).trigger());
        assertTrue(profile.audiences.isEmpty());
    }

    private static ProfileComputer computer(String... definitions) {
        return new ProfileComputer(LiveDefinitions.effective(List.of(definitions), List.of()));
    }

    private static CustomerEvent view(long time) {
        return event("Product Viewed", time);
    }

    private static CustomerEvent order(long time) {
        return event("Order Completed", time);
    }

    private static CustomerEvent event(String name, long time) {
        return new CustomerEvent(
                "m-" + time,
                "track",
                name,
                time,
                List.of(new Identifier("user_id", "u1")),
                null,
                "{}",
                CustomerEvent.DEFAULT_TENANT);
    }
}
