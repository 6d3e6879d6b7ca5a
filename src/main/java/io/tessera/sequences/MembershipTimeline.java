package io.tessera.sequences;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * One profile's sequence memberships advanced through time (definitions.md, "Event-time order"):
 * the matches and exitOn events that came in, and the expiries they set, applied in the order of
 * their event times, whatever order they arrived in. A match enters when not a member and extends
 * the expiry to {@code max(expiry, match + ttl)}; an exitOn event exits a member; an expiry exits
 * at its own time, so an expiry before a new match is an exit and an entry, not nothing.
 */
final class MembershipTimeline {
    /** What happened to a profile at a time: a match of an audience, or an exitOn event. */
    record Happening(long at, boolean match, String audienceId) {
        /** At one time, matches before exit events (an exit event ends what it meets). */
        static final Comparator<Happening> ORDER =
                Comparator.comparingLong(Happening::at).thenComparing(h -> !h.match());
    }

    /** A membership change: entered or exited, why, and when. */
    record Change(String audienceId, boolean entered, String trigger, long at) {}

    private MembershipTimeline() {}

    /**
     * Applies the happenings (in any order) and the expiries due, all up to {@code until}.
     *
     * @param expiries each membership's expiry, by audience id: read and updated in place
     * @param ttl the membership ttl of each audience, in ms
     * @return the changes, in time order
     */
    static List<Change> advance(
            Map<String, Long> expiries,
            List<Happening> happenings,
            Map<String, Long> ttl,
            long until) {
        List<Happening> ordered = new ArrayList<>(happenings);
        ordered.sort(Happening.ORDER);
        List<Change> changes = new ArrayList<>();
        for (Happening happening : ordered) {
            expire(expiries, happening.at(), changes);
            Long expiry = expiries.get(happening.audienceId());
            if (happening.match()) {
                if (expiry == null) {
                    changes.add(
                            new Change(
                                    happening.audienceId(),
                                    true,
                                    "sequence_match",
                                    happening.at()));
                }
                long extended = happening.at() + ttl.get(happening.audienceId());
                expiries.put(
                        happening.audienceId(),
                        expiry == null ? extended : Math.max(expiry, extended));
            } else if (expiry != null) {
                expiries.remove(happening.audienceId());
                changes.add(
                        new Change(happening.audienceId(), false, "exit_event", happening.at()));
            }
        }
        expire(expiries, until, changes);
        return changes;
    }

    /** Exits every membership expired by {@code at}, in expiry order. */
    private static void expire(Map<String, Long> expiries, long at, List<Change> changes) {
        List<Map.Entry<String, Long>> due = new ArrayList<>();
        for (Map.Entry<String, Long> entry : expiries.entrySet()) {
            if (entry.getValue() <= at) {
                due.add(Map.entry(entry.getKey(), entry.getValue()));
            }
        }
        due.sort(
                Map.Entry.<String, Long>comparingByValue()
                        .thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Long> entry : due) {
            expiries.remove(entry.getKey());
            changes.add(new Change(entry.getKey(), false, "ttl", entry.getValue()));
        }
    }
}
