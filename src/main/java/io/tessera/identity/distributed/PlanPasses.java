package io.tessera.identity.distributed;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Single mode's passes over what an event's clusters hold, as the oldest of them decides a {@link
 * Message.Plan}: the first known identifier's cluster takes the others in priority order, each
 * checked against what gathered so far; the ones a rule kept out gather among themselves the same
 * way, pass after pass ({@code IdentityGraph}). Every step of a group is a subset of its final
 * union, so its merges pass in any order.
 */
public final class PlanPasses {
    private PlanPasses() {}

    /** A link a rule refused: the pass's home, the identifier kept out, the rule and why. */
    public record Refused(
            Message.PlanStep home, Message.PlanStep refused, String rule, String detail) {}

    /**
     * The groups the passes form (each the clusters one profile gathers, in the order they joined)
     * and the refusals on the way, each to be blamed as single mode blames it.
     */
    public record Outcome(List<Set<ClusterId>> groups, List<Refused> refusals) {
        /** The group a cluster is in. */
        public Set<ClusterId> groupOf(ClusterId cluster) {
            for (Set<ClusterId> group : groups) {
                if (group.contains(cluster)) {
                    return group;
                }
            }
            throw new IllegalArgumentException(cluster + " is in no group of the plan");
        }
    }

    /**
     * Runs the passes.
     *
     * @param steps the event's identifiers, highest priority first, each with its cluster
     * @param holdings what each cluster of the steps holds (members and what it reserved)
     */
    public static Outcome run(
            List<Message.PlanStep> steps, Map<ClusterId, Reservation> holdings, MergeRules rules) {
        List<Set<ClusterId>> groups = new ArrayList<>();
        List<Refused> refusals = new ArrayList<>();
        List<Message.PlanStep> pending = steps;
        while (!pending.isEmpty()) {
            Message.PlanStep home =
                    pending.stream()
                            .filter(Message.PlanStep::known)
                            .findFirst()
                            .orElse(pending.get(0));
            Set<ClusterId> group = new LinkedHashSet<>();
            group.add(home.cluster());
            Reservation together = holdings.get(home.cluster());
            List<Message.PlanStep> keptOut = new ArrayList<>();
            for (Message.PlanStep step : pending) {
                if (step == home || group.contains(step.cluster())) {
                    continue;
                }
                Reservation joining = holdings.get(step.cluster());
                String[] refusal = refusal(together, joining, rules);
                if (refusal != null) {
                    refusals.add(new Refused(home, step, refusal[0], refusal[1]));
                    keptOut.add(step);
                } else {
                    group.add(step.cluster());
                    together = union(together, joining);
                }
            }
            groups.add(group);
            pending = keptOut;
        }
        return new Outcome(List.copyOf(groups), List.copyOf(refusals));
    }

    /**
     * The identifier a refusal is blamed on: the weaker of the pair, as single mode blames it (the
     * one kept out when both are of one priority). Rules that give no priorities take the order of
     * the steps.
     */
    public static String blamed(Refused refused, List<Message.PlanStep> steps, MergeRules rules) {
        String home = refused.home().identifier();
        String other = refused.refused().identifier();
        boolean otherWeaker =
                rules.priorities().isEmpty()
                        ? steps.indexOf(refused.refused()) > steps.indexOf(refused.home())
                        : rules.priority(MergeRules.typeOf(other))
                                >= rules.priority(MergeRules.typeOf(home));
        return otherWeaker ? other : home;
    }

    /** Why one profile holding both would break a rule ({rule, detail}), or null. */
    static String[] refusal(Reservation held, Reservation joining, MergeRules rules) {
        for (Map.Entry<String, String> value : joining.unique().entrySet()) {
            String own = held.unique().get(value.getKey());
            if (own != null && !own.equals(value.getValue())) {
                return new String[] {
                    "unique", value.getKey() + " is unique and the profile already has one"
                };
            }
        }
        Map<String, Integer> counts = new TreeMap<>(held.counts());
        joining.counts().forEach((type, n) -> counts.merge(type, n, Integer::sum));
        for (Map.Entry<String, Integer> count : counts.entrySet()) {
            if (count.getValue() > rules.limit(count.getKey())) {
                return new String[] {
                    "limit",
                    "the merged profile would have " + count.getValue() + " " + count.getKey()
                };
            }
        }
        int size = held.size() + joining.size();
        if (size > rules.sizeCap()) {
            return new String[] {
                "size_cap", "the merged profile would have " + size + " identifiers"
            };
        }
        return null;
    }

    /** What one profile holding both holds. */
    static Reservation union(Reservation a, Reservation b) {
        Map<String, String> unique = new TreeMap<>(a.unique());
        b.unique().forEach(unique::putIfAbsent);
        Map<String, Integer> counts = new TreeMap<>(a.counts());
        b.counts().forEach((type, n) -> counts.merge(type, n, Integer::sum));
        return new Reservation(unique, counts, a.size() + b.size());
    }
}
