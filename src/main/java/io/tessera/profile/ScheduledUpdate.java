package io.tessera.profile;

import java.io.Serializable;

/**
 * A definition update that takes effect at a moment of event time: how a replay applies the control
 * topic's changes deterministically (acceptance A5), where a running job applies them as they
 * arrive.
 *
 * @param at when it takes effect (event time, epoch ms)
 * @param key {@code <kind>/<id>}
 * @param json the definition, or null for a delete
 */
public record ScheduledUpdate(long at, String key, String json) implements Serializable {}
