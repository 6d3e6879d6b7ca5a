package io.tessera.identity;

import static io.tessera.identity.IdentityFixtures.event;
import static io.tessera.identity.IdentityFixtures.identify;
import static io.tessera.identity.IdentityFixtures.track;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.model.CustomerEvent;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class IdentityGraphTest {
    private InMemoryGraphStore store = new InMemoryGraphStore();
    private IdentityGraph graph = new IdentityGraph(IdentityFixtures.RULES, store, "default");

    @Test
    void keepsTheLimitOfATypeOnTheIdentifiersOfOneMessage() {
        String[] ids = new String[16];
        ids[0] = "user_id:u1";
        for (int i = 0; i < 15; i++) {
            ids[i + 1] = "crm_id:c" + i;
        }
        Resolution r = resolve(track("1", 0, "Signed Up", ids));

        ProfileState profile = store.profiles.get(r.profileId());
        assertEquals(10, profile.count("crm_id"), profile.toString());
        assertEquals(5, r.rejections().size());
        for (ProfileState p : store.profiles.values()) {
            assertTrue(p.count("crm_id") <= 10, p.toString());
        }
    }

    @Test
    void stitchesAnonymousBrowsingALoginAndASecondDeviceAsAcceptanceA6() {
        Resolution r1 = resolve(event("1", 0, "page", null, "anonymous_id:a1"));
        resolve(track("2", 1, "Product Viewed", "anonymous_id:a1"));
        String p1 = r1.profileId();
        String p2 = resolve(track("3", 2, "Product Viewed", "anonymous_id:a2")).profileId();
        assertNotEquals(p1, p2);

        Resolution login =
                resolve(
                        identify(
                                "4",
                                3,
                                "{\"email\":\"ann@shop.io\"}",
                                "user_id:u1",
                                "email:ann@shop.io",
                                "anonymous_id:a1"));
        assertEquals(p1, login.profileId());
        assertTrue(login.merges().isEmpty(), "no merge: u1 and the email are new");

        Resolution order =
                resolve(track("5", 4, "Order Completed", "email:ann@shop.io", "anonymous_id:a2"));
        assertEquals(
                List.of(
                        new ProfileMerged(
                                p2,
                                p1,
                                order.merges().get(0).at(),
                                "same_event:email+anonymous_id",
                                "5")),
                order.merges());
        ProfileState merged = store.profiles.get(p1);
        assertEquals(
                Map.of(
                        "anonymous_id",
                        List.of("a1", "a2"),
                        "user_id",
                        List.of("u1"),
                        "email",
                        List.of("ann@shop.io")),
                merged.identifiersByType());
        assertEquals(5, merged.eventCount, "all five events counted once in P1");
        assertNull(store.profiles.get(p2));

        Resolution second = resolve(identify("6", 5, "{}", "user_id:u2", "anonymous_id:a1"));
        assertNotEquals(p1, second.profileId(), "u2 gets its own profile");
        assertEquals(p1, store.profileOf("anonymous_id:a1").id, "a1 stays in P1");
        RejectedLink rejection = second.rejections().get(0);
        assertEquals("unique", rejection.rule());
        assertEquals("user_id", rejection.identifierType());
        assertEquals(p1, rejection.profileId());
        assertEquals(second.profileId(), rejection.otherProfileId());
        assertEquals("anonymous_id:a1", rejection.blamed(), "the weaker evidence");
    }

    @Test
    void theOlderProfileWinsWhateverTheOrderOfArrival() {
        String late = resolve(track("1", 10, "Viewed", "anonymous_id:b")).profileId();
        String early = resolve(track("2", 5, "Viewed", "anonymous_id:a")).profileId();

        Resolution link = resolve(track("3", 11, "Viewed", "anonymous_id:b", "anonymous_id:a"));

        assertEquals(early, link.merges().get(0).winner(), "created at an earlier event time");
        assertEquals(late, link.merges().get(0).loser());
        assertEquals(early, link.profileId());
    }

    @Test
    void mergesTransitively() {
        resolve(track("1", 0, "x", "anonymous_id:a", "device_id:d1"));
        resolve(track("2", 1, "x", "anonymous_id:b", "device_id:d2"));
        resolve(track("3", 2, "x", "anonymous_id:c"));

        resolve(track("4", 3, "x", "device_id:d1", "device_id:d2"));
        resolve(track("5", 4, "x", "anonymous_id:b", "anonymous_id:c"));

        assertEquals(1, store.profiles.size());
        assertEquals(5, store.profiles.values().iterator().next().eventCount);
    }

    @Test
    void creditsAnEventToItsHighestPriorityIdentifiersProfile() {
        String byEmail = resolve(track("1", 0, "x", "email:e@shop.io")).profileId();
        String byUser = resolve(identify("2", 2, "{}", "user_id:u9")).profileId();

        Resolution r = resolve(track("3", 3, "x", "email:e@shop.io", "user_id:u9"));

        assertEquals(
                List.of(
                        new ProfileMerged(
                                byUser,
                                byEmail,
                                r.merges().get(0).at(),
                                "same_event:user_id+email",
                                "3")),
                r.merges(),
                "the older email profile wins");
        assertEquals(byEmail, r.profileId(), "credited to the profile now holding u9");
        assertEquals(byEmail, store.profileOf("user_id:u9").id);
    }

    @Test
    void aNewIdentifierOverItsTypeLimitFoundsItsOwnProfile() {
        for (int i = 0; i < 5; i++) {
            resolve(track("m" + i, i, "x", "user_id:u1", "email:e" + i + "@shop.io"));
        }
        String profile = store.profileOf("user_id:u1").id;

        Resolution sixth = resolve(track("m5", 6, "x", "user_id:u1", "email:e5@shop.io"));

        assertEquals(profile, sixth.profileId());
        assertEquals(5, store.profiles.get(profile).count("email"));
        assertEquals("limit", sixth.rejections().get(0).rule());
        assertNotEquals(profile, store.profileOf("email:e5@shop.io").id);
        assertEquals(2, sixth.created().size() + 1, "e5 founded its own profile");
    }

    @Test
    void refusesAMergeOverTheSizeCap() {
        Configuration conf = new Configuration();
        conf.set(IdentityOptions.PROFILE_SIZE_CAP, 3);
        graph = new IdentityGraph(IdentitySettings.from(conf).rules(), store, "default");
        resolve(track("1", 0, "x", "anonymous_id:a", "anonymous_id:b"));
        resolve(track("2", 1, "x", "anonymous_id:c", "anonymous_id:d"));

        Resolution link = resolve(track("3", 2, "x", "anonymous_id:a", "anonymous_id:c"));

        assertEquals("size_cap", link.rejections().get(0).rule());
        assertEquals(2, store.profiles.size());
    }

    @Test
    void quarantinesASharedDeviceAfterRepeatedRejections() {
        Configuration conf = new Configuration();
        conf.set(IdentityOptions.QUARANTINE_AFTER, 2);
        graph = new IdentityGraph(IdentitySettings.from(conf).rules(), store, "default");
        String first = resolve(identify("1", 0, "{}", "user_id:u1", "device_id:kiosk")).profileId();

        Resolution second = resolve(identify("2", 1, "{}", "user_id:u2", "device_id:kiosk"));
        assertEquals("device_id:kiosk", second.rejections().get(0).blamed());
        assertFalse(second.rejections().get(0).quarantined());
        Resolution third = resolve(identify("3", 2, "{}", "user_id:u3", "device_id:kiosk"));
        assertTrue(third.rejections().get(0).quarantined(), "the second rejection quarantines");

        Resolution fourth = resolve(track("4", 3, "x", "anonymous_id:z", "device_id:kiosk"));
        assertTrue(fourth.rejections().isEmpty());
        assertEquals(1, store.profileOf("anonymous_id:z").size(), "never link evidence again");
        assertEquals(
                first,
                resolve(track("5", 4, "x", "device_id:kiosk")).profileId(),
                "alone, it still resolves for attribution");
    }

    @Test
    void mergesProfileStateByFixedRules() {
        resolve(identify("1", 0, "{\"plan\":\"free\",\"name\":\"Ann\"}", "anonymous_id:a"));
        resolve(track("2", 5, "Order Completed", "anonymous_id:a"));
        resolve(identify("3", 3, "{\"plan\":\"pro\"}", "anonymous_id:b"));
        resolve(track("4", 9, "Order Completed", "anonymous_id:b"));

        Resolution link = resolve(event("5", 1, "page", null, "anonymous_id:a", "anonymous_id:b"));

        ProfileState merged = store.profiles.get(link.profileId());
        assertEquals(5, merged.eventCount);
        assertEquals(IdentityFixtures.T0.toEpochMilli(), merged.firstSeen);
        assertEquals(IdentityFixtures.T0.plusSeconds(540).toEpochMilli(), merged.lastSeen);
        assertEquals(Map.of("identify", 2L, "track", 2L, "page", 1L), merged.countsByType);
        assertEquals(Map.of("Order Completed", 2L), merged.countsByEvent);
        assertEquals("\"pro\"", merged.traits.get("plan").json, "latest by event time");
        assertEquals("\"Ann\"", merged.traits.get("name").json);
    }

    @Test
    void typesAnAliasPreviousIdByWhatWasSeenBefore() {
        resolve(identify("1", 0, "{}", "user_id:old-id"));

        Resolution alias =
                resolve(
                        IdentityFixtures.full(
                                "2", 1, "alias", null, "old-id", "{}", "user_id:new-id"));
        assertEquals("unique", alias.rejections().get(0).rule(), "a known user id stays apart");

        Resolution anonymous =
                resolve(IdentityFixtures.full("3", 2, "alias", null, "anon-7", "{}", "user_id:u3"));
        assertTrue(anonymous.rejections().isEmpty());
        assertEquals(anonymous.profileId(), store.profileOf("anonymous_id:anon-7").id);
    }

    @Test
    void compressesForwardPathsAsTheyAreWalked() {
        resolve(track("1", 0, "x", "anonymous_id:a"));
        resolve(track("2", 1, "x", "anonymous_id:b"));
        resolve(track("3", 2, "x", "anonymous_id:c"));
        resolve(track("4", 3, "x", "anonymous_id:b", "anonymous_id:c")); // c -> b
        resolve(track("5", 4, "x", "anonymous_id:a", "anonymous_id:b")); // b -> a

        String root = store.profileOf("anonymous_id:a").id;
        resolve(track("6", 5, "x", "anonymous_id:c"));

        assertEquals(root, store.directory().get("anonymous_id:c").profileId);
    }

    @Test
    void aNonLinkingTypeJoinsButNeverMerges() {
        Configuration conf = new Configuration();
        conf.set(IdentityOptions.NON_LINKING_TYPES, List.of("device_id"));
        graph = new IdentityGraph(IdentitySettings.from(conf).rules(), store, "default");
        resolve(track("1", 0, "x", "anonymous_id:a", "device_id:shared"));

        Resolution other = resolve(track("2", 1, "x", "anonymous_id:b", "device_id:shared"));

        assertTrue(other.merges().isEmpty());
        assertEquals(2, store.profiles.size());
    }

    @Test
    void deletesEveryProfileADeleteRequestNamesAndLaterEventsStartAfresh() {
        String p1 = resolve(track("1", 0, "x", "anonymous_id:a1")).profileId();
        resolve(identify("2", 1, "{\"plan\":\"pro\"}", "user_id:u1", "anonymous_id:a1"));
        String other = resolve(track("3", 2, "x", "anonymous_id:z")).profileId();

        Resolution delete = resolve(event("4", 3, "delete", null, "user_id:u1"));

        assertEquals(List.of(p1), delete.deleted());
        assertNull(store.profiles.get(p1));
        assertNull(store.profileOf("anonymous_id:a1"), "every identifier of the person is gone");
        assertNull(store.profileOf("user_id:u1"));
        assertEquals(other, store.profileOf("anonymous_id:z").id, "others are untouched");
        String fresh = resolve(track("5", 4, "x", "anonymous_id:a1")).profileId();
        assertNotEquals(p1, fresh);
        assertEquals(1, store.profiles.get(fresh).eventCount);
        assertTrue(resolve(event("6", 5, "delete", null, "user_id:nobody")).deleted().isEmpty());
    }

    private Resolution resolve(CustomerEvent event) {
        return graph.resolve(event, IdentifyTraits.of(event));
    }
}
