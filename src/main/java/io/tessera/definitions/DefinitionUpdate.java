package io.tessera.definitions;

/**
 * A record of the compacted control topic {@code cdp.definitions}.
 *
 * @param key {@code <kind>/<id>}, e.g. {@code audience/high_value_recent}
 * @param json the full definition, or null for a tombstone (delete)
 */
public record DefinitionUpdate(String key, String json) {}
