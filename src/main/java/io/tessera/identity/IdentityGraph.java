package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves events to profiles synchronously, one event at a time (identity.md, merge rules 1-6):
 * the identifiers of an event join one profile unless a rule refuses; two profiles that meet merge
 * into the older one. A union-find over the {@link GraphStore}: the directory maps identifiers to
 * profile ids, merged profiles forward to their winner, and paths are compressed as they are
 * walked.
 *
 * <p>An event is resolved in passes. The first pass gathers the event's identifiers into the
 * profile of its highest-priority known identifier (its home). The identifiers a rule kept out form
 * the next pass, gathered the same way among themselves, and so on: identifiers that appear
 * together end in one profile unless a rule forbids it (invariant 3).
 */
public final class IdentityGraph {
    private final IdentityRules rules;
    private final GraphStore store;
    private final String tenant;
    private final ProfileHooks hooks;

    /**
     * What the later stages do inside a resolution, before profiles are written back: merge their
     * own profile state, and update the credited profile.
     */
    public interface ProfileHooks {
        /**
         * A stored profile was read for this event, before the event changes it: what was due by
         * the event's time happens first.
         */
        default void loaded(ProfileState profile) {}

        /** The loser was just absorbed by the winner (basics merged). */
        default void merged(ProfileState winner, ProfileState loser) {}

        /** The event was just credited to the profile. */
        default void credited(ProfileState profile) {}

        /** A delete request is about to remove the profile. */
        default void deleting(ProfileState profile) {}
    }

    /** A graph of one tenant over the given store, without hooks. */
    public IdentityGraph(IdentityRules rules, GraphStore store, String tenant) {
        this(rules, store, tenant, new ProfileHooks() {});
    }

    /** A graph of one tenant over the given store, calling the hooks. */
    public IdentityGraph(IdentityRules rules, GraphStore store, String tenant, ProfileHooks hooks) {
        this.rules = rules;
        this.store = store;
        this.tenant = tenant;
        this.hooks = hooks;
    }

    /**
     * Resolves one accepted event and credits it to its profile (rule 5: the profile of its
     * highest-priority identifier).
     *
     * @param identifyTraits the identify traits the event sets (empty for other types)
     */
    public Resolution resolve(CustomerEvent event, Map<String, TraitValue> identifyTraits) {
        return new Pass(event).run(identifyTraits);
    }

    /** A refused link, completed once the identifier's own profile is known. */
    private record Refused(
            String profileId,
            Identifier identifier,
            IdentityRules.Refusal refusal,
            String blamed,
            boolean quarantined) {}

    /** The state of resolving one event: profiles read once, written back at the end. */
    private final class Pass {
        private final CustomerEvent event;
        private final Map<String, ProfileState> touched = new LinkedHashMap<>();
        private final List<String> created = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final List<ProfileMerged> merges = new ArrayList<>();
        private final List<Refused> refusals = new ArrayList<>();

        /** Rejections blamed on identifiers that have no directory entry yet. */
        private final Map<String, Integer> pendingBlame = new HashMap<>();

        /**
         * Directory entries and forward pointers read during this event, written through: each is
         * read from state once per event (with RocksDB a read is a lookup, and a TTL'd read a write
         * too).
         */
        private final Map<String, DirectoryEntry> entries = new HashMap<>();

        private final Map<String, String> forwards = new HashMap<>();

        Pass(CustomerEvent event) {
            this.event = event;
        }

        Resolution run(Map<String, TraitValue> identifyTraits) {
            if ("delete".equals(event.type())) {
                return delete();
            }
            List<Identifier> identifiers = identifiersByPriority();
            // Evidence links profiles; passengers (non-linking types) only join when new;
            // quarantined identifiers take no part unless they are all the event has.
            List<Identifier> evidence = new ArrayList<>();
            List<Identifier> passengers = new ArrayList<>();
            for (Identifier identifier : identifiers) {
                DirectoryEntry entry = entry(identifier);
                if (entry == null || !entry.quarantined) {
                    (rules.links(identifier.type()) ? evidence : passengers).add(identifier);
                }
            }
            ProfileState credited;
            if (evidence.isEmpty()) {
                Identifier anchor = passengers.isEmpty() ? identifiers.get(0) : passengers.get(0);
                credited = findOrFound(anchor);
                join(credited, anchor, passengers);
            } else {
                List<Identifier> pending = evidence;
                boolean first = true;
                while (!pending.isEmpty()) {
                    // Home: the highest-priority known identifier, so new identifiers join an
                    // existing profile rather than found one that then merges.
                    Identifier home =
                            pending.stream()
                                    .filter(id -> entry(id) != null)
                                    .findFirst()
                                    .orElse(pending.get(0));
                    ProfileState profile = findOrFound(home);
                    List<Identifier> keptOut = new ArrayList<>();
                    for (Identifier identifier : pending) {
                        if (!identifier.equals(home)) {
                            profile = link(profile, home, identifier, keptOut);
                        }
                    }
                    if (first) {
                        join(profile, home, passengers);
                        first = false;
                    }
                    pending = keptOut;
                }
                credited = find(evidence.get(0));
            }
            credited.credit(event.type(), event.event(), event.eventTime(), identifyTraits);
            credited.updateConsent(IdentifyTraits.consent(event));
            hooks.credited(credited);
            touched.forEach((id, state) -> store.putProfile(state));
            return new Resolution(
                    credited.id,
                    List.copyOf(touched.values()),
                    List.copyOf(created),
                    List.copyOf(removed),
                    List.copyOf(merges),
                    rejections(),
                    List.of());
        }

        /**
         * A privacy request (rule 8): removes every profile the event's identifiers resolve to,
         * with all its identifiers, so later events for them start a new profile. Forward pointers
         * to a deleted profile stay, unreachable: no directory entry leads to them.
         */
        private Resolution delete() {
            List<String> deleted = new ArrayList<>();
            for (Identifier identifier : identifiersByPriority()) {
                ProfileState profile = find(identifier);
                if (profile == null) {
                    continue;
                }
                for (Identifier member : profile.identifierList()) {
                    entries.put(IdentityKeys.of(member), null);
                    store.removeDirectory(IdentityKeys.of(member), expiring(member));
                }
                hooks.deleting(profile);
                store.removeProfile(profile.id);
                touched.remove(profile.id);
                deleted.add(profile.id);
            }
            return new Resolution(
                    deleted.isEmpty() ? null : deleted.get(0),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.of(),
                    List.copyOf(deleted));
        }

        /** The event's identifiers, an alias's previousId typed, highest priority first. */
        private List<Identifier> identifiersByPriority() {
            List<Identifier> identifiers = new ArrayList<>(event.identifiers());
            if (event.previousId() != null) {
                // A previousId seen before as a user id is one; otherwise it is an anonymous id.
                Identifier asUser = new Identifier(IdentifierTypes.USER_ID, event.previousId());
                identifiers.add(
                        entry(asUser) != null
                                ? asUser
                                : new Identifier(IdentifierTypes.ANONYMOUS_ID, event.previousId()));
            }
            identifiers.sort(Comparator.comparingInt(id -> rules.type(id.type()).priority()));
            return identifiers;
        }

        /**
         * Links an identifier of the event to the profile reached through {@code home}: a new
         * identifier joins it, a known one merges its profile with it. An identifier a rule keeps
         * out goes to {@code keptOut}. Returns the home profile after the link (the winner of a
         * merge).
         */
        private ProfileState link(
                ProfileState profile,
                Identifier home,
                Identifier identifier,
                List<Identifier> keptOut) {
            ProfileState other = find(identifier);
            if (other == null) {
                IdentityRules.Refusal refusal = rules.refuseJoin(profile, identifier);
                if (refusal == null) {
                    admit(identifier, profile);
                } else {
                    refuse(profile, home, identifier, refusal);
                    keptOut.add(identifier);
                }
                return profile;
            }
            if (other.id.equals(profile.id)) {
                return profile;
            }
            IdentityRules.Refusal refusal = rules.refuseMerge(profile, other);
            if (refusal != null) {
                refuse(profile, home, identifier, refusal);
                keptOut.add(identifier);
                return profile;
            }
            return merge(profile, other, home, identifier);
        }

        /** New passengers (non-linking identifiers) join the profile, else found their own. */
        private void join(ProfileState profile, Identifier home, List<Identifier> passengers) {
            for (Identifier passenger : passengers) {
                if (passenger.equals(home) || entry(passenger) != null) {
                    continue;
                }
                IdentityRules.Refusal refusal = rules.refuseJoin(profile, passenger);
                if (refusal == null) {
                    admit(passenger, profile);
                } else {
                    refuse(profile, home, passenger, refusal);
                    found(passenger);
                }
            }
        }

        private ProfileState merge(
                ProfileState a, ProfileState b, Identifier home, Identifier linkedBy) {
            ProfileState winner = a.isOlderThan(b) ? a : b;
            ProfileState loser = winner == a ? b : a;
            winner.absorb(loser);
            hooks.merged(winner, loser);
            touched.remove(loser.id);
            store.removeProfile(loser.id);
            putForward(loser.id, winner.id);
            removed.add(loser.id);
            merges.add(
                    new ProfileMerged(
                            loser.id,
                            winner.id,
                            event.eventTime(),
                            "same_event:" + home.type() + "+" + linkedBy.type(),
                            event.messageId()));
            return winner;
        }

        /**
         * Records a refused link between the home identifier and another. The rejection counts
         * against the weaker (lower-priority) of the two, the evidence a shared device or a junk id
         * provides, which is quarantined after repeated rejections.
         */
        private void refuse(
                ProfileState profile,
                Identifier home,
                Identifier identifier,
                IdentityRules.Refusal refusal) {
            Identifier blamed =
                    rules.type(identifier.type()).priority() >= rules.type(home.type()).priority()
                            ? identifier
                            : home;
            String key = IdentityKeys.of(blamed);
            DirectoryEntry entry = entry(blamed);
            boolean quarantine;
            if (entry == null) {
                int count = pendingBlame.merge(key, 1, Integer::sum);
                quarantine = count == rules.quarantineAfter();
            } else {
                entry.rejections++;
                quarantine = !entry.quarantined && entry.rejections >= rules.quarantineAfter();
                entry.quarantined |= quarantine;
                putEntry(blamed, entry);
            }
            refusals.add(new Refused(profile.id, identifier, refusal, key, quarantine));
        }

        /** The refusals as audit records, each naming where its identifier ended up. */
        private List<RejectedLink> rejections() {
            List<RejectedLink> rejections = new ArrayList<>();
            for (Refused refused : refusals) {
                rejections.add(
                        new RejectedLink(
                                event.eventTime(),
                                event.messageId(),
                                refused.profileId(),
                                find(refused.identifier()).id,
                                refused.identifier().type(),
                                refused.identifier().value(),
                                refused.refusal().rule(),
                                refused.refusal().detail(),
                                refused.blamed(),
                                refused.quarantined()));
            }
            return List.copyOf(rejections);
        }

        private ProfileState findOrFound(Identifier identifier) {
            ProfileState profile = find(identifier);
            return profile != null ? profile : found(identifier);
        }

        /** A new profile founded by a new identifier at the event's time. */
        private ProfileState found(Identifier identifier) {
            String founder = IdentityKeys.of(identifier);
            ProfileState profile =
                    ProfileState.found(
                            IdentityKeys.profileId(tenant, event.eventTime(), founder),
                            event.eventTime(),
                            identifier);
            touched.put(profile.id, profile);
            created.add(profile.id);
            putNewEntry(identifier, profile.id);
            return profile;
        }

        /** A new identifier joins a profile. */
        private void admit(Identifier identifier, ProfileState profile) {
            profile.add(identifier);
            putNewEntry(identifier, profile.id);
        }

        private void putNewEntry(Identifier identifier, String profileId) {
            String key = IdentityKeys.of(identifier);
            DirectoryEntry entry = new DirectoryEntry(profileId);
            Integer blamed = pendingBlame.remove(key);
            if (blamed != null) {
                entry.rejections = blamed;
                entry.quarantined = blamed >= rules.quarantineAfter();
            }
            putEntry(identifier, entry);
        }

        private void putEntry(Identifier identifier, DirectoryEntry entry) {
            String key = IdentityKeys.of(identifier);
            entries.put(key, entry);
            store.putDirectory(key, expiring(identifier), entry);
        }

        /** The live profile of a known identifier, or null for a new one. */
        private ProfileState find(Identifier identifier) {
            DirectoryEntry entry = entry(identifier);
            if (entry == null) {
                return null;
            }
            String root = root(entry.profileId);
            if (!root.equals(entry.profileId)) {
                entry.profileId = root;
                putEntry(identifier, entry);
            }
            return touched.computeIfAbsent(root, this::load);
        }

        private ProfileState load(String profileId) {
            ProfileState profile = store.profile(profileId);
            if (profile == null) {
                throw new IllegalStateException(
                        "identity graph corrupt: profile "
                                + profileId
                                + " is neither live nor merged");
            }
            hooks.loaded(profile);
            return profile;
        }

        /** Follows forward pointers to the live profile, compressing the path. */
        private String root(String profileId) {
            List<String> path = new ArrayList<>();
            String current = profileId;
            String next;
            while ((next = forward(current)) != null) {
                path.add(current);
                current = next;
            }
            for (int i = 0; i < path.size() - 1; i++) {
                putForward(path.get(i), current);
            }
            return current;
        }

        private String forward(String profileId) {
            if (!forwards.containsKey(profileId)) {
                forwards.put(profileId, store.forward(profileId));
            }
            return forwards.get(profileId);
        }

        private void putForward(String loserId, String winnerId) {
            forwards.put(loserId, winnerId);
            store.putForward(loserId, winnerId);
        }

        private DirectoryEntry entry(Identifier identifier) {
            String key = IdentityKeys.of(identifier);
            if (!entries.containsKey(key)) {
                entries.put(key, store.directory(key, expiring(identifier)));
            }
            return entries.get(key);
        }

        private boolean expiring(Identifier identifier) {
            return rules.type(identifier.type()).expiring();
        }
    }
}
