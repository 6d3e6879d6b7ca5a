package io.tessera.ingest;

/**
 * One record as read from its source, before any parsing: the bytes and where they came from.
 *
 * @param key the record key, or null
 * @param value the record value, or null for a tombstone
 * @param topic the Kafka topic, or the file name for a replayed file
 * @param partition the Kafka partition (0 for a file)
 * @param offset the Kafka offset, or the line number for a file
 * @param timestamp the Kafka record timestamp in epoch ms, or null when the source has none
 */
public record RawRecord(
        byte[] key, byte[] value, String topic, int partition, long offset, Long timestamp) {}
