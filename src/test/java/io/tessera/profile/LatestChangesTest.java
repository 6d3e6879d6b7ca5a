package io.tessera.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileUpdate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class LatestChangesTest {
    /** One step: a change of a profile (a snapshot, or a removal when version is 0), or a drain. */
    record Step(boolean drain, String profile, int version) {}

    /**
     * What the consumers keep of each profile (the profile topic, compacted; the view's memberships
     * and activation's state, cleared by a removal) is what every change would have left them, and
     * no removal between two snapshots is lost.
     */
    @Property(tries = 500)
    void theConsumersEndWhereEveryChangeWouldHaveLeftThem(@ForAll("steps") List<Step> steps) {
        LatestChanges latest = new LatestChanges();
        List<ProfileUpdate> out = new ArrayList<>();
        Map<String, List<Integer>> in = new HashMap<>();
        int position = 0;
        Map<ProfileUpdate, Integer> positions = new IdentityHashMap<>();
        for (Step step : steps) {
            if (step.drain()) {
                latest.drain(change -> out.add(change.update()));
                continue;
            }
            ProfileUpdate update = update(step);
            positions.put(update, position++);
            in.computeIfAbsent(step.profile(), p -> new ArrayList<>()).add(step.version());
            LatestChanges.Change first =
                    latest.offer(new LatestChanges.Change(update, position, true));
            if (first != null) {
                out.add(first.update());
            }
        }
        latest.drain(change -> out.add(change.update()));
        assertTrue(latest.isEmpty());

        Map<String, Integer> everyChange = new HashMap<>();
        in.forEach(
                (profile, versions) -> everyChange.put(profile, versions.get(versions.size() - 1)));
        Map<String, Integer> kept = new HashMap<>();
        Map<String, List<ProfileUpdate>> byProfile = new HashMap<>();
        for (ProfileUpdate update : out) {
            kept.put(
                    update.profileId(),
                    update.isRemoval() ? 0 : (int) update.snapshot().eventCount);
            byProfile.computeIfAbsent(update.profileId(), p -> new ArrayList<>()).add(update);
        }
        assertEquals(everyChange, kept);

        for (Map.Entry<String, List<ProfileUpdate>> entry : byProfile.entrySet()) {
            List<Integer> versions = in.get(entry.getKey());
            List<ProfileUpdate> emitted = entry.getValue();
            for (int i = 1; i < emitted.size(); i++) {
                int from = positions.get(emitted.get(i - 1));
                int to = positions.get(emitted.get(i));
                assertTrue(from < to, "a profile's changes go out in their order");
                if (!emitted.get(i - 1).isRemoval() && !emitted.get(i).isRemoval()) {
                    for (ProfileUpdate between : positions.keySet()) {
                        int at = positions.get(between);
                        boolean sameProfile = between.profileId().equals(entry.getKey());
                        assertTrue(
                                !(sameProfile && between.isRemoval() && at > from && at < to),
                                "a removal between two snapshots went out: " + versions);
                    }
                }
            }
        }
    }

    @Provide
    Arbitrary<List<Step>> steps() {
        Arbitrary<Step> change =
                Combinators.combine(
                                Arbitraries.of("a", "b", "c"), Arbitraries.integers().between(0, 3))
                        .as((profile, kind) -> new Step(false, profile, kind));
        Arbitrary<Step> drain = Arbitraries.just(new Step(true, null, 0));
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(6, change), net.jqwik.api.Tuple.of(1, drain))
                .list()
                .ofMaxSize(40);
    }

    private static int versions;

    /** A snapshot told apart by its event count (its version, from 1), or a removal (0). */
    private static ProfileUpdate update(Step step) {
        if (step.version() == 0) {
            return new ProfileUpdate(step.profile(), null, null);
        }
        ProfileState state = new ProfileState();
        state.id = step.profile();
        state.eventCount = step.version();
        state.firstSeen = ++versions; // every update a distinct object
        return new ProfileUpdate(step.profile(), state, null);
    }
}
