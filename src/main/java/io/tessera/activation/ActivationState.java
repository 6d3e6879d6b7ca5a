package io.tessera.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the activation stage keeps per profile: what Personalize was last told. A POJO, so its
 * serializer evolves when fields are added.
 */
public class ActivationState {
    /** The Personalize user uid attributes were last written to, or null before the first. */
    public String primary;

    /** The value (JSON) last sent for each attribute. */
    public Map<String, String> sent = new TreeMap<>();

    /** Personalize uids of the profile already merged into its primary. */
    public List<String> merged = new ArrayList<>();

    /** Whether the profile's latest consent preferences allow activation. */
    public boolean consented = true;

    /**
     * Event keys of forwarded track events that came before the profile had a Personalize user
     * (oldest first, at most {@link ActivationPlanner#MAX_WAITING_EVENTS}).
     */
    public List<String> waitingEvents = new ArrayList<>();

    /** The profile as last seen, not yet activated (coalescing), or null. */
    public ActivationTarget pending;

    /** A POJO needs a public no-argument constructor. */
    public ActivationState() {}
}
