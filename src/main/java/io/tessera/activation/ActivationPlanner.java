package io.tessera.activation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides the Edge API calls that bring Personalize in line with a profile (personalize.md, "Which
 * Personalize user a profile writes to" and "What is sent"). Plain Java: the Flink function only
 * keeps its state and timers.
 */
public final class ActivationPlanner implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Most events kept for a profile that has no Personalize user yet. */
    public static final int MAX_WAITING_EVENTS = 100;

    private final ActivationSettings settings;
    private final AttributeMap attributes;

    public ActivationPlanner(ActivationSettings settings, AttributeMap attributes) {
        this.settings = settings;
        this.attributes = attributes;
    }

    /** What Personalize should hold for the profile, from its snapshot. */
    public ActivationTarget target(ProfileState profile) {
        ActivationTarget target = new ActivationTarget();
        String unsendable = null;
        for (String type : settings.userUidTypes()) {
            String prefix = type + ":";
            List<String> values = new ArrayList<>();
            for (String key : profile.identifiers) {
                if (key.startsWith(prefix)) {
                    values.add(key.substring(prefix.length()));
                }
            }
            // A uid that cannot travel in a header never became a Personalize user: nothing to
            // merge from, and the primary only when there is nothing else.
            for (String value : List.copyOf(values)) {
                if (!EdgeApi.fitsHeader(value)) {
                    values.remove(value);
                    unsendable = unsendable == null ? value : unsendable;
                }
            }
            if (target.primary == null) {
                // the first type the profile has, its latest value (admitted last)
                target.primary = values.isEmpty() ? null : values.remove(values.size() - 1);
            }
            target.others.addAll(values);
        }
        if (target.primary == null && unsendable != null) {
            // Only uids that cannot be sent: its calls go to the dead letters as
            // unsendable_uid, where they can be seen, instead of waiting for a uid forever.
            target.primary = unsendable;
        }
        attributes
                .traits()
                .forEach(
                        (trait, attribute) -> {
                            String value = profile.traitValues.get(trait);
                            target.attributes.put(
                                    attribute, value == null ? "null" : scalar(value));
                        });
        attributes
                .audiences()
                .forEach(
                        (audience, attribute) ->
                                target.attributes.put(
                                        attribute,
                                        Boolean.toString(profile.audiences.containsKey(audience))));
        target.consented = consents(profile);
        return target;
    }

    /**
     * The requests that bring Personalize from what the state says it holds to the target, in the
     * order they must be sent; the state is updated as if they were delivered.
     */
    public List<EdgeRequest> plan(
            ActivationState state, ActivationTarget target, String profileId, long now) {
        state.pending = null;
        state.consented = target.consented;
        if (!target.consented || target.primary == null) {
            return List.of(); // not activated (no consent, or no Personalize user yet)
        }
        List<EdgeRequest> requests = new ArrayList<>();
        String primary = target.primary;
        boolean full = state.primary == null;
        state.merged.remove(primary);
        if (state.primary != null && !state.primary.equals(primary)) {
            requests.add(merge(profileId, state.primary, primary, now));
            state.merged.add(state.primary);
            full = true;
        }
        for (String other : target.others) {
            if (!other.equals(state.primary) && !state.merged.contains(other)) {
                requests.add(merge(profileId, other, primary, now));
                state.merged.add(other);
                full = true;
            }
        }
        Map<String, String> changed = new TreeMap<>();
        for (Map.Entry<String, String> attribute : target.attributes.entrySet()) {
            String sent = state.sent.get(attribute.getKey());
            boolean neverSet = sent == null && "null".equals(attribute.getValue());
            if (!neverSet && (full || !attribute.getValue().equals(sent))) {
                changed.put(attribute.getKey(), attribute.getValue());
            }
        }
        for (Iterator<Map.Entry<String, String>> it = state.sent.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<String, String> sent = it.next();
            if (!target.attributes.containsKey(sent.getKey())) {
                // no longer activated: an audience reads false, a trait is unset
                boolean flag = "true".equals(sent.getValue()) || "false".equals(sent.getValue());
                changed.put(sent.getKey(), flag ? "false" : "null");
                it.remove();
            }
        }
        if (!changed.isEmpty()) {
            requests.add(attributes(profileId, primary, changed, now));
            changed.forEach(
                    (attribute, value) -> {
                        if (target.attributes.containsKey(attribute)) {
                            state.sent.put(attribute, value);
                        }
                    });
        }
        state.primary = primary;
        return requests;
    }

    /**
     * True when the target asks nothing of Personalize that the state says it holds: {@link #plan}
     * would send nothing and leave the state as it is, and no event waits. The planner then keeps
     * neither a pending target nor a timer for it, which is the case of most events (a page view
     * changes counters that no attribute shows).
     */
    public boolean settled(ActivationState state, ActivationTarget target) {
        if (state.pending != null
                || !state.waitingEvents.isEmpty()
                || state.consented != target.consented) {
            return false;
        }
        if (!target.consented || target.primary == null) {
            return true;
        }
        if (!target.primary.equals(state.primary) || state.merged.contains(target.primary)) {
            return false;
        }
        for (String other : target.others) {
            if (!other.equals(state.primary) && !state.merged.contains(other)) {
                return false;
            }
        }
        for (Map.Entry<String, String> attribute : target.attributes.entrySet()) {
            String sent = state.sent.get(attribute.getKey());
            boolean neverSet = sent == null && "null".equals(attribute.getValue());
            if (!neverSet && !attribute.getValue().equals(sent)) {
                return false;
            }
        }
        return target.attributes.keySet().containsAll(state.sent.keySet());
    }

    /**
     * A profile deleted by a privacy request: its activated attributes set to null in Personalize.
     * The state is left empty.
     */
    public List<EdgeRequest> erase(ActivationState state, String profileId, long now) {
        List<EdgeRequest> requests = new ArrayList<>();
        if (state.primary != null && !state.sent.isEmpty()) {
            Map<String, String> nulls = new TreeMap<>();
            state.sent.keySet().forEach(attribute -> nulls.put(attribute, "null"));
            requests.add(attributes(profileId, state.primary, nulls, now));
        }
        state.primary = null;
        state.sent.clear();
        state.merged.clear();
        state.pending = null;
        return requests;
    }

    /** Whether the event is one of the configured track events forwarded to Personalize. */
    public boolean forwards(CustomerEvent event) {
        return "track".equals(event.type()) && settings.eventKeys().containsKey(event.event());
    }

    /**
     * The event forwarded to {@code /events}, or null when it is not a configured track event, the
     * profile does not consent, or it has no Personalize user yet: then the event waits in the
     * state for the profile's snapshot ({@link #waitingEvents}).
     */
    public EdgeRequest event(
            ActivationState state, CustomerEvent event, String profileId, long now) {
        String key = "track".equals(event.type()) ? settings.eventKeys().get(event.event()) : null;
        if (key == null) {
            return null;
        }
        ActivationTarget latest = state.pending;
        String user = latest != null ? latest.primary : state.primary;
        boolean consented = latest != null ? latest.consented : state.consented;
        if (user == null) {
            // its profile's snapshot (which names the user) may come after the event: keep it
            if (state.waitingEvents.size() >= MAX_WAITING_EVENTS) {
                state.waitingEvents.remove(0);
            }
            state.waitingEvents.add(key);
            return null;
        }
        return consented ? events(profileId, user, List.of(key), now) : null;
    }

    /**
     * The events that waited for the profile's Personalize user, now that it has one (none when it
     * has not, or does not consent).
     */
    public List<EdgeRequest> waitingEvents(ActivationState state, String profileId, long now) {
        return sendWaiting(state, state.primary, state.consented, profileId, now);
    }

    /**
     * The events that waited for the profile's Personalize user, as soon as a target names one,
     * while the target itself may still be gathering changes: an event waits for its user, never
     * for the coalescing interval ({@link #event} sends one under a pending target's user at once
     * too). None when the target names no user yet; dropped when it does not consent.
     */
    public List<EdgeRequest> waitingEvents(
            ActivationState state, ActivationTarget target, String profileId, long now) {
        return sendWaiting(state, target.primary, target.consented, profileId, now);
    }

    /**
     * The waiting events under the user, once (none while there is no user; dropped without
     * consent).
     */
    private static List<EdgeRequest> sendWaiting(
            ActivationState state, String user, boolean consented, String profileId, long now) {
        if (user == null || state.waitingEvents.isEmpty()) {
            return List.of();
        }
        List<String> keys = List.copyOf(state.waitingEvents);
        state.waitingEvents.clear();
        return consented ? List.of(events(profileId, user, keys, now)) : List.of();
    }

    private static EdgeRequest events(String profileId, String user, List<String> keys, long now) {
        ArrayNode body = JSON.createArrayNode();
        keys.forEach(key -> body.addObject().put("type", "EVENT").put("eventKey", key));
        return new EdgeRequest(profileId, EdgeRequest.EVENTS, user, body.toString(), now);
    }

    private static EdgeRequest merge(String profileId, String source, String target, long now) {
        ObjectNode body = JSON.createObjectNode();
        body.put("sourceUserUid", source);
        body.put("targetUserUid", target);
        return new EdgeRequest(profileId, EdgeRequest.MERGE, target, body.toString(), now);
    }

    private static EdgeRequest attributes(
            String profileId, String user, Map<String, String> values, long now) {
        ObjectNode body = JSON.createObjectNode();
        values.forEach((attribute, value) -> body.set(attribute, parse(value)));
        return new EdgeRequest(profileId, EdgeRequest.ATTRIBUTES, user, body.toString(), now);
    }

    /**
     * Whether the profile's latest consent preferences allow the configured category: true when it
     * never stated any, else only when the category (any letter case) is {@code true}.
     */
    private boolean consents(ProfileState profile) {
        if (profile.consent == null) {
            return true;
        }
        Iterator<Map.Entry<String, JsonNode>> categories = parse(profile.consent.json).fields();
        while (categories.hasNext()) {
            Map.Entry<String, JsonNode> category = categories.next();
            if (category.getKey().equalsIgnoreCase(settings.consentCategory())) {
                return category.getValue().asBoolean(false);
            }
        }
        return false;
    }

    /**
     * A trait value as a Personalize scalar: a list becomes a comma-separated string. The profile
     * keeps each value as the JSON text Jackson writes for it ({@code JsonText}), which Jackson
     * would parse and write back unchanged: a number, boolean, null or string goes out as it is,
     * without building a tree for every mapped trait of every snapshot.
     */
    static String scalar(String json) {
        if (!json.isEmpty() && json.charAt(0) != '[' && json.charAt(0) != '{') {
            return json;
        }
        JsonNode value = parse(json);
        if (value.isArray()) {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.isValueNode() ? item.asText() : item.toString()));
            return JSON.getNodeFactory().textNode(String.join(",", items)).toString();
        }
        if (value.isObject()) {
            return JSON.getNodeFactory().textNode(value.toString()).toString();
        }
        return value.toString();
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored value is not JSON: " + json, e);
        }
    }
}
