package io.tessera.identity;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.model.IdentifierTypes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Resolves events to profiles synchronously, one event at a time (identity.md, merge rules 1-6):
 * every identifier of an event joins the profile of its highest-priority identifier unless a rule
 * refuses; two profiles that meet merge into the older one. A union-find over the {@link
 * GraphStore}: the directory maps identifiers to profile ids, merged profiles forward to their
 * winner, and paths are compressed as they are walked.
 */
public final class IdentityGraph {
    private final IdentityRules rules;
    private final GraphStore store;
    private final String tenant;

    /** A graph of one tenant over the given store. */
    public IdentityGraph(IdentityRules rules, GraphStore store, String tenant) {
        this.rules = rules;
        this.store = store;
        this.tenant = tenant;
    }

    /**
     * Resolves one accepted event and credits it to its profile.
     *
     * @param identifyTraits the identify traits the event sets (empty for other types)
     */
    public Resolution resolve(CustomerEvent event, Map<String, TraitValue> identifyTraits) {
        return new Pass(event).run(identifyTraits);
    }

    /** The state of resolving one event: profiles read once, written back at the end. */
    private final class Pass {
        private final CustomerEvent event;
        private final Map<String, ProfileState> touched = new LinkedHashMap<>();
        private final List<String> created = new ArrayList<>();
        private final List<String> removed = new ArrayList<>();
        private final List<ProfileMerged> merges = new ArrayList<>();
        private final List<RejectedLink> rejections = new ArrayList<>();

        Pass(CustomerEvent event) {
            this.event = event;
        }

        Resolution run(Map<String, TraitValue> identifyTraits) {
            List<Identifier> identifiers = identifiersByPriority();
            // Evidence links profiles; passengers (non-linking types) only join when new;
            // quarantined identifiers take no part unless they are all the event has.
            List<Identifier> evidence = new ArrayList<>();
            List<Identifier> passengers = new ArrayList<>();
            for (Identifier identifier : identifiers) {
                DirectoryEntry entry = entry(identifier);
                if (entry != null && entry.quarantined) {
                    continue;
                }
                (rules.links(identifier.type()) ? evidence : passengers).add(identifier);
            }
            ProfileState credited;
            if (evidence.isEmpty()) {
                Identifier anchor = passengers.isEmpty() ? identifiers.get(0) : passengers.get(0);
                credited = findOrFound(anchor);
                join(credited, anchor, passengers);
            } else {
                // The event's home is the profile of its highest-priority known identifier, so
                // new identifiers join an existing profile rather than found one that merges.
                Identifier home =
                        evidence.stream()
                                .filter(id -> entry(id) != null)
                                .findFirst()
                                .orElse(evidence.get(0));
                ProfileState profile = findOrFound(home);
                for (Identifier identifier : evidence) {
                    if (!identifier.equals(home)) {
                        profile = link(profile, home, identifier);
                    }
                }
                join(profile, home, passengers);
                credited = find(evidence.get(0));
            }
            credited.credit(event.type(), event.event(), event.eventTime(), identifyTraits);
            touched.forEach((id, state) -> store.putProfile(state));
            return new Resolution(
                    credited.id,
                    List.copyOf(touched.values()),
                    List.copyOf(created),
                    List.copyOf(removed),
                    List.copyOf(merges),
                    List.copyOf(rejections));
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
         * Links an identifier of the event to the event's home profile, reached through {@code
         * home}: a new identifier joins it, a known one merges its profile with it, unless a rule
         * refuses. Returns the home profile after the link (the winner of a merge).
         */
        private ProfileState link(ProfileState profile, Identifier home, Identifier identifier) {
            ProfileState other = find(identifier);
            if (other == null) {
                joinNew(profile, home, identifier);
                return profile;
            }
            if (other.id.equals(profile.id)) {
                return profile;
            }
            IdentityRules.Refusal refusal = rules.refuseMerge(profile, other);
            if (refusal != null) {
                reject(profile, other.id, home, identifier, refusal);
                return profile;
            }
            return merge(profile, other, home, identifier);
        }

        /** New passengers (non-linking identifiers) join the profile; known ones stay put. */
        private void join(ProfileState profile, Identifier home, List<Identifier> passengers) {
            for (Identifier passenger : passengers) {
                if (!passenger.equals(home) && entry(passenger) == null) {
                    joinNew(profile, home, passenger);
                }
            }
        }

        private void joinNew(ProfileState profile, Identifier home, Identifier identifier) {
            IdentityRules.Refusal refusal = rules.refuseJoin(profile, identifier);
            if (refusal == null) {
                profile.add(identifier);
                store.putDirectory(
                        IdentityKeys.of(identifier),
                        expiring(identifier),
                        new DirectoryEntry(profile.id));
            } else {
                ProfileState own = found(identifier);
                reject(profile, own.id, home, identifier, refusal);
            }
        }

        private ProfileState merge(
                ProfileState a, ProfileState b, Identifier home, Identifier linkedBy) {
            ProfileState winner = a.isOlderThan(b) ? a : b;
            ProfileState loser = winner == a ? b : a;
            winner.absorb(loser);
            touched.remove(loser.id);
            store.removeProfile(loser.id);
            store.putForward(loser.id, winner.id);
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
        private void reject(
                ProfileState profile,
                String otherProfileId,
                Identifier home,
                Identifier identifier,
                IdentityRules.Refusal refusal) {
            Identifier blamed =
                    rules.type(identifier.type()).priority() >= rules.type(home.type()).priority()
                            ? identifier
                            : home;
            String key = IdentityKeys.of(blamed);
            DirectoryEntry entry = store.directory(key, expiring(blamed));
            entry.rejections++;
            boolean quarantine = !entry.quarantined && entry.rejections >= rules.quarantineAfter();
            entry.quarantined |= quarantine;
            store.putDirectory(key, expiring(blamed), entry);
            rejections.add(
                    new RejectedLink(
                            event.eventTime(),
                            event.messageId(),
                            profile.id,
                            otherProfileId,
                            identifier.type(),
                            identifier.value(),
                            refusal.rule(),
                            refusal.detail(),
                            key,
                            quarantine));
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
            store.putDirectory(founder, expiring(identifier), new DirectoryEntry(profile.id));
            touched.put(profile.id, profile);
            created.add(profile.id);
            return profile;
        }

        /** The live profile of a known identifier, or null for a new one. */
        private ProfileState find(Identifier identifier) {
            String key = IdentityKeys.of(identifier);
            DirectoryEntry entry = store.directory(key, expiring(identifier));
            if (entry == null) {
                return null;
            }
            String root = root(entry.profileId);
            if (!root.equals(entry.profileId)) {
                entry.profileId = root;
                store.putDirectory(key, expiring(identifier), entry);
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
            return profile;
        }

        /** Follows forward pointers to the live profile, compressing the path. */
        private String root(String profileId) {
            List<String> path = new ArrayList<>();
            String current = profileId;
            String next;
            while ((next = store.forward(current)) != null) {
                path.add(current);
                current = next;
            }
            for (int i = 0; i < path.size() - 1; i++) {
                store.putForward(path.get(i), current);
            }
            return current;
        }

        private DirectoryEntry entry(Identifier identifier) {
            return store.directory(IdentityKeys.of(identifier), expiring(identifier));
        }

        private boolean expiring(Identifier identifier) {
            return rules.type(identifier.type()).expiring();
        }
    }
}
