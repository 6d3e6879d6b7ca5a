package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * A run with faults held against a clean run of the same traffic.
 *
 * <ul>
 *   <li>lost: what the clean run wrote and the faulty one did not (a profile, a merge, a
 *       transition, a dead letter of ingest, a user in Personalize);
 *   <li>duplicated: a merge or transition written more often than by the clean run (each must be
 *       written exactly once);
 *   <li>differing: a profile or a Personalize user with other values, or a merge or transition the
 *       clean run never wrote;
 *   <li>dead letters from faults: dead letters the clean run did not have (ingest or activation).
 * </ul>
 *
 * @param lost how many outputs are missing
 * @param duplicated how many are written too often
 * @param differing how many differ
 * @param deadLettersFromFaults how many dead letters the faults caused
 * @param examples a few of them, described
 */
record ChaosComparison(
        long lost,
        long duplicated,
        long differing,
        long deadLettersFromFaults,
        List<String> examples) {

    private static final int MAX_EXAMPLES = 8;

    /** Compares the faulty run's outputs with the clean run's. */
    static ChaosComparison of(ChaosOutputs clean, ChaosOutputs faulty) {
        Tally tally = new Tally();
        tally.keyed("profile", clean.profiles(), faulty.profiles(), ChaosOutputs::comparable);
        tally.keyed("Personalize user", clean.edgeUsers(), faulty.edgeUsers(), v -> v);
        tally.exactlyOnce("merge", clean.merges(), faulty.merges());
        tally.exactlyOnce("audience transition", clean.transitions(), faulty.transitions());
        tally.deadLetters("ingest", clean.eventDeadLetters(), faulty.eventDeadLetters(), true);
        tally.deadLetters(
                "activation", clean.activationDeadLetters(), faulty.activationDeadLetters(), false);
        return new ChaosComparison(
                tally.lost,
                tally.duplicated,
                tally.differing,
                tally.deadLetters,
                List.copyOf(tally.examples));
    }

    /** Whether the faulty run came out as the clean one. */
    boolean same() {
        return lost == 0 && duplicated == 0 && differing == 0 && deadLettersFromFaults == 0;
    }

    private static final class Tally {
        long lost;
        long duplicated;
        long differing;
        long deadLetters;
        final List<String> examples = new ArrayList<>();

        void keyed(
                String what,
                Map<String, JsonNode> clean,
                Map<String, JsonNode> faulty,
                UnaryOperator<JsonNode> comparable) {
            TreeSet<String> keys = new TreeSet<>(clean.keySet());
            keys.addAll(faulty.keySet());
            for (String key : keys) {
                JsonNode expected = clean.get(key);
                JsonNode actual = faulty.get(key);
                if (actual == null) {
                    lost++;
                    example("lost " + what + " " + key + ": " + expected);
                } else if (expected == null) {
                    differing++;
                    example("extra " + what + " " + key + ": " + actual);
                } else if (!JsonValues.same(comparable.apply(expected), comparable.apply(actual))) {
                    differing++;
                    example(
                            what
                                    + " "
                                    + key
                                    + " differs:\n      clean  "
                                    + expected
                                    + "\n      faulty "
                                    + actual);
                }
            }
        }

        void exactlyOnce(String what, Map<String, Long> clean, Map<String, Long> faulty) {
            TreeSet<String> records = new TreeSet<>(clean.keySet());
            records.addAll(faulty.keySet());
            for (String record : records) {
                long expected = clean.getOrDefault(record, 0L);
                long actual = faulty.getOrDefault(record, 0L);
                if (actual < expected) {
                    lost += expected - actual;
                    example("lost " + what + ": " + record);
                } else if (actual > expected && expected > 0) {
                    duplicated += actual - expected;
                    example(what + " written " + actual + " times: " + record);
                } else if (actual > expected) {
                    differing += actual;
                    example("extra " + what + ": " + record);
                }
            }
        }

        void deadLetters(
                String stage,
                Map<String, Long> clean,
                Map<String, Long> faulty,
                boolean missingIsLost) {
            TreeSet<String> records = new TreeSet<>(clean.keySet());
            records.addAll(faulty.keySet());
            for (String record : records) {
                long expected = clean.getOrDefault(record, 0L);
                long actual = faulty.getOrDefault(record, 0L);
                if (actual > expected) {
                    deadLetters += actual - expected;
                    example("dead letter of " + stage + " from a fault: " + record);
                } else if (actual < expected && missingIsLost) {
                    lost += expected - actual;
                    example("lost dead letter of " + stage + ": " + record);
                }
            }
        }

        private void example(String description) {
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(description);
            }
        }
    }
}
