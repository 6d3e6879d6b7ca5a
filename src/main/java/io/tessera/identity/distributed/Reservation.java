package io.tessera.identity.distributed;

import java.io.Serializable;
import java.util.Map;

/**
 * What a winner set aside when it accepted a proposal, until the loser's absorb arrives: the
 * loser's unique-type values, its identifier counts by type, and its size.
 */
public record Reservation(Map<String, String> unique, Map<String, Integer> counts, int size)
        implements Serializable {}
