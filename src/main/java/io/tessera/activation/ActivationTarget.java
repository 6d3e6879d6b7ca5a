package io.tessera.activation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** What Personalize should hold for a profile now: computed from its latest snapshot. */
public class ActivationTarget {
    /** The Personalize user uid to write to, or null when the profile has none. */
    public String primary;

    /** The profile's other Personalize uids (of the configured types), oldest first. */
    public List<String> others = new ArrayList<>();

    /** The value (JSON) of each activated attribute. */
    public Map<String, String> attributes = new TreeMap<>();

    /** False when the profile's latest consent preferences deny activation. */
    public boolean consented = true;

    /** A POJO needs a public no-argument constructor. */
    public ActivationTarget() {}
}
