package io.tessera.definitions;

/**
 * A control-topic record the job refused, for {@code cdp.definitions.rejected}.
 *
 * @param key the record key
 * @param reason why, with the JSON paths of the problems
 * @param json the record as received
 */
public record DefinitionRejection(String key, String reason, String json) {}
