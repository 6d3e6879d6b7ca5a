package io.tessera.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.distributed.ProtocolRun;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/**
 * The distributed merge protocol and single mode over the same streams, without rules that refuse
 * links: the same partition of identifiers into profiles, and the same event totals per profile.
 */
class DistributedAgainstSingleModeTest {
    @Test
    void samePartitionAndSameTotals() {
        IdentityRules noLimits = noLimits();
        for (long seed = 1; seed <= 200; seed++) {
            List<ProtocolRun.Input> inputs = ProtocolRun.workload(new Random(seed));

            Map<Set<String>, Long> distributed = ProtocolRun.run(inputs, seed, seed % 2 == 0);
            Map<Set<String>, Long> single = singleMode(inputs, noLimits);

            assertEquals(single, distributed, "seed " + seed);
        }
    }

    /** Each live profile of single mode: its identifiers, and the amount of its events. */
    private static Map<Set<String>, Long> singleMode(
            List<ProtocolRun.Input> inputs, IdentityRules rules) {
        InMemoryGraphStore store = new InMemoryGraphStore();
        IdentityGraph graph = new IdentityGraph(rules, store, CustomerEvent.DEFAULT_TENANT);
        Map<String, Long> amountByProfile = new TreeMap<>();
        Set<String> seen = new HashSet<>();
        for (ProtocolRun.Input input : inputs) {
            if (!seen.add(input.eventId())) {
                continue; // dropped by the ingest stage's deduplication
            }
            List<Identifier> ids = new ArrayList<>();
            for (String key : input.identifiers()) {
                int colon = key.indexOf(':');
                ids.add(new Identifier(key.substring(0, colon), key.substring(colon + 1)));
            }
            Resolution resolution =
                    graph.resolve(
                            new CustomerEvent(
                                    input.eventId(),
                                    "track",
                                    "Product Viewed",
                                    input.time(),
                                    ids,
                                    null,
                                    "{}",
                                    CustomerEvent.DEFAULT_TENANT),
                            Map.of());
            amountByProfile.merge(resolution.profileId(), input.amount(), Long::sum);
            for (ProfileMerged merge : resolution.merges()) {
                Long moved = amountByProfile.remove(merge.loser());
                if (moved != null) {
                    amountByProfile.merge(merge.winner(), moved, Long::sum);
                }
            }
        }
        Map<Set<String>, Long> profiles = new java.util.HashMap<>();
        store.profiles.forEach(
                (id, profile) ->
                        profiles.put(
                                new TreeSet<>(profile.identifiers),
                                amountByProfile.getOrDefault(id, 0L)));
        return profiles;
    }

    /** Nothing refuses a link: no unique types, limits and a cap far above any profile here. */
    private static IdentityRules noLimits() {
        Configuration conf = new Configuration();
        conf.set(IdentityOptions.UNIQUE_TYPES, List.of());
        conf.set(IdentityOptions.PROFILE_SIZE_CAP, 100_000);
        conf.set(IdentityOptions.QUARANTINE_AFTER, 100_000);
        conf.set(
                IdentityOptions.TYPE_LIMITS,
                Map.of(
                        "user_id",
                        "1000",
                        "email",
                        "1000",
                        "anonymous_id",
                        "1000",
                        "device_id",
                        "1000",
                        "other",
                        "1000"));
        return IdentitySettings.from(conf).rules();
    }
}
