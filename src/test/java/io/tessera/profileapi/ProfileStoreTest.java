package io.tessera.profileapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The profile API's store on RocksDB: index, aliases, memberships and offsets. */
class ProfileStoreTest {
    private static final String PROFILES = "cdp.profiles/0";
    private static final String OTHER = "cdp.profiles/1";
    private static final String MERGES = "cdp.profile-merges/0";

    @TempDir Path dir;
    private ProfileStore store;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        store = ProfileStore.open(dir);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void aMergeEndsTheSameWhicheverOrderItsRecordsAreReadIn() throws Exception {
        // every order of: the loser's last snapshot, its tombstone (same partition, in that
        // order), the winner's merged snapshot, and the alias
        List<List<String>> orders =
                List.of(
                        List.of("loser", "tombstone", "winner", "alias"),
                        List.of("winner", "loser", "tombstone", "alias"),
                        List.of("winner", "alias", "loser", "tombstone"),
                        List.of("alias", "loser", "winner", "tombstone"),
                        List.of("loser", "alias", "tombstone", "winner"),
                        List.of("winner", "loser", "alias", "tombstone"));
        for (List<String> order : orders) {
            store.close();
            store = ProfileStore.open(dir.resolve(String.join("-", order)));
            for (String step : order) {
                switch (step) {
                    case "loser" -> put("p2", "{\"anonymous_id\":[\"a1\"]}", "{}", OTHER);
                    case "tombstone" -> store.deleteProfile("p2", OTHER, offset++);
                    case "winner" ->
                            put(
                                    "p1",
                                    "{\"anonymous_id\":[\"a1\"],\"email\":[\"ann@x.io\"]}",
                                    "{}",
                                    PROFILES);
                    default -> store.putAlias("p2", "p1", MERGES, offset++);
                }
            }
            assertEquals("p1", holder("anonymous_id:a1"), order.toString());
            assertEquals("p1", holder("email:ann@x.io"), order.toString());
            ProfileStore.Found merged = store.profile("p2").orElseThrow();
            assertEquals("p1", merged.id(), order.toString());
            assertEquals("p2", merged.resolvedFrom());
            assertNull(store.profile("p1").orElseThrow().resolvedFrom());
        }
    }

    @Test
    void aDeletedProfileAndEveryIdMergedIntoItAreGone() throws Exception {
        put("p1", "{\"anonymous_id\":[\"a1\"],\"user_id\":[\"u1\"]}", "{\"vip\":\"t\"}", PROFILES);
        store.putAlias("p2", "p1", MERGES, offset++);

        store.deleteProfile("p1", PROFILES, offset++);

        assertTrue(store.profile("p1").isEmpty());
        assertTrue(store.profile("p2").isEmpty(), "merged into a deleted profile");
        assertTrue(store.lookup("user_id:u1").isEmpty());
        assertTrue(store.lookup("anonymous_id:a1").isEmpty());
        assertEquals(Map.of("vip", 0L), store.audienceSizes());
    }

    @Test
    void anIdentifierAProfileNoLongerHoldsIsNoLongerFoundThere() throws Exception {
        put("p1", "{\"email\":[\"old@x.io\"]}", "{}", PROFILES);
        put("p1", "{\"email\":[\"new@x.io\"]}", "{}", PROFILES);

        assertTrue(store.lookup("email:old@x.io").isEmpty());
        assertEquals("p1", holder("email:new@x.io"));
    }

    @Test
    void membersPageThroughCompletelyWhileProfilesChange() throws Exception {
        for (int i = 0; i < 25; i++) {
            put(id(i), "{}", "{\"vip\":\"2025-01-01T00:00:00Z\"}", PROFILES);
        }
        Set<String> seen = new TreeSet<>();
        List<String> pages = new ArrayList<>();
        ProfileStore.Page page = store.members("vip", null, 10);
        int round = 0;
        while (true) {
            page.members().forEach(m -> assertTrue(seen.add(m.profileId()), m.profileId()));
            pages.add(page.members().size() + "");
            // between pages: a member seen leaves, one not seen yet leaves, newcomers join
            put(id(round), "{}", "{}", PROFILES);
            put(id(24 - round), "{}", "{}", PROFILES);
            put("p_new_" + round, "{}", "{\"vip\":\"2025-01-02T00:00:00Z\"}", PROFILES);
            round++;
            if (page.continueAfter() == null) {
                break;
            }
            page = store.members("vip", page.continueAfter(), 10);
        }
        // every member there from the first page to the last was seen exactly once
        for (int i = round; i < 24 - round; i++) {
            assertTrue(seen.contains(id(i)), id(i) + " in " + seen);
        }
        assertEquals(25 - 2 * round + round, store.audienceSizes().get("vip"));
        assertEquals(3, pages.size(), "pages of 10 among 25: " + pages);
    }

    @Test
    void reopenedItServesWhatItHeldAndTheOffsetsToReadNext() throws Exception {
        put("p1", "{\"email\":[\"ann@x.io\"]}", "{\"vip\":\"t\"}", PROFILES);
        store.putAlias("p2", "p1", MERGES, 41);
        store.skip(OTHER, 7);

        store.close();
        store = ProfileStore.open(dir);

        assertEquals("p1", holder("email:ann@x.io"));
        assertEquals("p1", store.profile("p2").orElseThrow().id());
        assertEquals(Map.of(PROFILES, 1L, MERGES, 42L, OTHER, 8L), store.offsets());
    }

    private void put(String id, String identifiers, String audiences, String partition)
            throws Exception {
        String snapshot =
                "{\"id\":\""
                        + id
                        + "\",\"identifiers\":"
                        + identifiers
                        + ",\"audiences\":"
                        + audiences
                        + "}";
        byte[] bytes = snapshot.getBytes(StandardCharsets.UTF_8);
        store.putProfile(id, bytes, ProfileDocument.parse(bytes), partition, offset++);
    }

    private String holder(String identifier) throws Exception {
        return store.lookup(identifier).map(ProfileStore.Found::id).orElse(null);
    }

    private static String id(int i) {
        return String.format("p_%03d", i);
    }
}
