package io.tessera.ingest;

import io.tessera.model.CustomerEvent;

/**
 * An accepted event with the key of the Kafka record it came in: the order its producer asked for
 * (Kafka keeps a key's records in order), which deduplication keeps ({@link DedupKey}).
 *
 * @param key the record's key as text, or null when the record had none (or is not from Kafka)
 * @param event the event
 */
public record SourcedEvent(String key, CustomerEvent event) {}
