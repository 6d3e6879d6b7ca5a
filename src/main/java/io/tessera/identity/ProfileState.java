package io.tessera.identity;

import io.tessera.model.Identifier;
import io.tessera.traits.TraitState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInfo;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Everything a profile has accumulated: its identifiers, when it was seen, event counts and
 * identify traits. Mutable; Flink stores it and sends it in {@link ProfileStateSerializer}'s
 * compact form (a field added here is added to that form too, in a new format). Two profiles merge
 * by fixed, order-independent rules ({@link #absorb}): counts add, first/last seen take min/max,
 * traits are last-writer-wins by event time, identifier sets union.
 */
@TypeInfo(ProfileStateSerializer.TypeFactory.class)
public class ProfileState {
    /** The profile id, as emitted. */
    public String id;

    /** Event time of the event that created the profile: with {@link #founder}, its age. */
    public long createdAt;

    /** The identifier ({@code type:value}) that created the profile. */
    public String founder;

    /**
     * The identifiers as {@code type:value} keys, in order of admission. A flat list of strings: a
     * map of lists would fall back to Kryo, and records deserialize slowly on every read.
     */
    public List<String> identifiers = new ArrayList<>();

    /** Earliest and latest event time of the events credited to the profile. */
    public long firstSeen = Long.MAX_VALUE;

    public long lastSeen = Long.MIN_VALUE;

    /** Events credited to the profile, in all, by message type and by track event name. */
    public long eventCount;

    public Map<String, Long> countsByType = new TreeMap<>();
    public Map<String, Long> countsByEvent = new TreeMap<>();

    /** The latest value of each identify trait. */
    public Map<String, TraitValue> traits = new TreeMap<>();

    /** The state of each computed trait: its buckets (profile stage). */
    public Map<String, TraitState> traitStates = new TreeMap<>();

    /**
     * The last computed value of each trait, as JSON (profile stage). Derived from the trait states
     * at {@link #valuesAt}, so not kept in state ({@link #storedWithoutValues}): a profile read
     * back has none until the profile stage computes them again.
     */
    public Map<String, String> traitValues = new TreeMap<>();

    /**
     * When the profile stage last computed the trait values (its last evaluation); MIN_VALUE if it
     * never did. The trait states have not changed since, so the values can be computed again.
     */
    public long valuesAt = Long.MIN_VALUE;

    /** The rule audiences the profile is a member of, with the time it entered (profile stage). */
    public Map<String, Long> audiences = new TreeMap<>();

    /**
     * The latest consent preferences ({@code context.consent.categoryPreferences}, a JSON object)
     * with when they were given, or null when no message carried any.
     */
    public TraitValue consent;

    /** When the profile's traits or audiences can next change without an event; MAX if never. */
    public long wakeAt = Long.MAX_VALUE;

    /**
     * Distributed identity: the place of the last event credited of each order key ({@link
     * io.tessera.model.CustomerEvent#orderKey}), so the next one is credited in its turn; null
     * until an event of a key is credited (single mode never keeps one).
     */
    public Map<String, Long> orderPositions;

    /**
     * Distributed identity: for an order key whose earlier events were credited elsewhere (the
     * profile was founded by a later one), the place up to which none is waited for. The profile's
     * own: a merge does not pass it on (the profile it merges into may be where those events are).
     */
    public Map<String, Long> orderFloors;

    /** A POJO needs a public no-argument constructor. */
    public ProfileState() {}

    /** A new profile founded by one identifier at the given event time. */
    public static ProfileState found(String id, long createdAt, Identifier founder) {
        ProfileState profile = new ProfileState();
        profile.id = id;
        profile.createdAt = createdAt;
        profile.founder = IdentityKeys.of(founder);
        profile.add(founder);
        return profile;
    }

    /** True when this profile is older than the other (it wins a merge). */
    public boolean isOlderThan(ProfileState other) {
        if (createdAt != other.createdAt) {
            return createdAt < other.createdAt;
        }
        return founder.compareTo(other.founder) < 0;
    }

    /** Adds an identifier (the caller has checked the rules). */
    public void add(Identifier identifier) {
        String key = IdentityKeys.of(identifier);
        if (!identifiers.contains(key)) {
            identifiers.add(key);
        }
    }

    /** Number of values of one type. */
    public int count(String type) {
        String prefix = type + ":";
        int count = 0;
        for (String key : identifiers) {
            count += key.startsWith(prefix) ? 1 : 0;
        }
        return count;
    }

    /** Number of identifiers of all types. */
    public int size() {
        return identifiers.size();
    }

    /** The values of each type, in order of admission. */
    public Map<String, List<String>> identifiersByType() {
        Map<String, List<String>> byType = new TreeMap<>();
        for (Identifier identifier : identifierList()) {
            byType.computeIfAbsent(identifier.type(), t -> new ArrayList<>())
                    .add(identifier.value());
        }
        return byType;
    }

    /** The identifiers, in order of admission. */
    public List<Identifier> identifierList() {
        List<Identifier> list = new ArrayList<>(identifiers.size());
        identifiers.forEach(key -> list.add(IdentityKeys.parse(key)));
        return list;
    }

    /** Credits one event to the profile. */
    public void credit(
            String type, String event, long eventTime, Map<String, TraitValue> identifyTraits) {
        eventCount++;
        firstSeen = Math.min(firstSeen, eventTime);
        lastSeen = Math.max(lastSeen, eventTime);
        countsByType.merge(type, 1L, Long::sum);
        if ("track".equals(type) && event != null) {
            countsByEvent.merge(event, 1L, Long::sum);
        }
        identifyTraits.forEach(this::setTrait);
    }

    /** The place of the last event of the key credited to the profile; 0 if none was. */
    public long orderPosition(String key) {
        Long last = orderPositions == null ? null : orderPositions.get(key);
        return last == null ? 0 : last;
    }

    /** The place up to which no event of the key is waited for (0 if none). */
    public long orderFloor(String key) {
        Long floor = orderFloors == null ? null : orderFloors.get(key);
        return floor == null ? 0 : floor;
    }

    /** The events of the key up to that place are not waited for (they went elsewhere). */
    public void startOrderAfter(String key, long position) {
        if (orderFloors == null) {
            orderFloors = new TreeMap<>();
        }
        orderFloors.merge(key, position, Math::max);
    }

    /** An event of the key at that place was credited. */
    public void credited(String key, long position) {
        if (orderPositions == null) {
            orderPositions = new TreeMap<>();
        }
        orderPositions.merge(key, position, Math::max);
    }

    /** Merges a younger profile into this one; the result does not depend on merge order. */
    public void absorb(ProfileState loser) {
        if (loser.orderPositions != null) {
            loser.orderPositions.forEach(this::credited);
        }
        for (String key : loser.identifiers) {
            if (!identifiers.contains(key)) {
                identifiers.add(key);
            }
        }
        eventCount += loser.eventCount;
        firstSeen = Math.min(firstSeen, loser.firstSeen);
        lastSeen = Math.max(lastSeen, loser.lastSeen);
        loser.countsByType.forEach((type, n) -> countsByType.merge(type, n, Long::sum));
        loser.countsByEvent.forEach((event, n) -> countsByEvent.merge(event, n, Long::sum));
        loser.traits.forEach(this::setTrait);
        updateConsent(loser.consent);
    }

    /** Keeps the preferences if they are newer than the profile's (null changes nothing). */
    public void updateConsent(TraitValue preferences) {
        if (preferences != null && (consent == null || preferences.isNewerThan(consent))) {
            consent = preferences;
        }
    }

    private void setTrait(String name, TraitValue value) {
        TraitValue current = traits.get(name);
        if (current == null || value.isNewerThan(current)) {
            traits.put(name, value);
        }
    }

    /**
     * A copy for emitting while the state goes on changing: everything a snapshot shows, without
     * the trait buckets, which stay in state.
     */
    public ProfileState copy() {
        ProfileState copy = sharing();
        copy.identifiers = identifiers == null ? null : new ArrayList<>(identifiers);
        copy.countsByType = tree(countsByType);
        copy.countsByEvent = tree(countsByEvent);
        copy.traits = tree(traits);
        copy.traitValues = tree(traitValues);
        copy.audiences = tree(audiences);
        return copy;
    }

    /**
     * This snapshot with other audience memberships: what {@link #copy} gives, but sharing what it
     * shows with this one instead of copying it, for a snapshot that is only read from here on (the
     * profile view adds the sequence memberships to the snapshot it emits; Flink copies it whole
     * before any operator after it holds it).
     */
    public ProfileState withAudiences(Map<String, Long> memberships) {
        ProfileState view = sharing();
        view.audiences = memberships;
        return view;
    }

    /** What a snapshot shows, shared with this one: no trait buckets, no order places. */
    private ProfileState sharing() {
        ProfileState view = new ProfileState();
        view.id = id;
        view.createdAt = createdAt;
        view.founder = founder;
        view.identifiers = identifiers;
        view.firstSeen = firstSeen;
        view.lastSeen = lastSeen;
        view.eventCount = eventCount;
        view.countsByType = countsByType;
        view.countsByEvent = countsByEvent;
        view.traits = traits;
        view.traitValues = traitValues;
        view.valuesAt = valuesAt;
        view.audiences = audiences;
        view.consent = consent;
        view.wakeAt = wakeAt;
        return view;
    }

    /**
     * Runs a write of this profile to state without its trait values, and gives them back after:
     * they are derived ({@link #valuesAt}), and left out they are a fifth of the bytes read and
     * written per event. (The write must serialize at once, as RocksDB's does; the heap backend,
     * which keeps the object, keeps them.)
     */
    public <E extends Throwable> void storedWithoutValues(ThrowingRunnable<E> write) throws E {
        Map<String, String> values = traitValues;
        traitValues = new TreeMap<>();
        try {
            write.run();
        } finally {
            traitValues = values;
        }
    }

    /**
     * A copy of everything, trait states and order places included, sharing nothing mutable with
     * this one: what Flink takes when it hands a profile on (between chained operators, on the heap
     * state backend).
     */
    public ProfileState deepCopy() {
        ProfileState copy = copy();
        if (traits != null) {
            traits.forEach((name, v) -> copy.traits.put(name, v == null ? null : v.copy()));
        }
        copy.consent = consent == null ? null : consent.copy();
        copy.traitStates = null;
        if (traitStates != null) {
            copy.traitStates = new TreeMap<>();
            traitStates.forEach((id, t) -> copy.traitStates.put(id, t == null ? null : t.copy()));
        }
        copy.orderPositions = tree(orderPositions);
        copy.orderFloors = tree(orderFloors);
        return copy;
    }

    private static <V> Map<String, V> tree(Map<String, V> map) {
        return map == null ? null : new TreeMap<>(map);
    }

    @Override
    public String toString() {
        return "Profile " + id + " " + identifiers + " events=" + eventCount;
    }
}
