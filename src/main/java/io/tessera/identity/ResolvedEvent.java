package io.tessera.identity;

import io.tessera.model.CustomerEvent;

/**
 * An accepted event with the profile it was credited to: what the later stages key by.
 *
 * @param profileId the live profile of the event's highest-priority identifier
 * @param event the event
 */
public record ResolvedEvent(String profileId, CustomerEvent event) {}
