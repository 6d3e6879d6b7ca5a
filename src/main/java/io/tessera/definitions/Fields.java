package io.tessera.definitions;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where a predicate reads its fields: the current event, the profile's traits and identify traits
 * (paths {@code event.*}, {@code traits.*}, {@code profile.*}).
 */
@FunctionalInterface
public interface Fields {
    /** The value at the path, or null when it is missing. */
    JsonNode get(String path);
}
