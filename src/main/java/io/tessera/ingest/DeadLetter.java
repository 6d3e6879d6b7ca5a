package io.tessera.ingest;

/**
 * A refused record, as written to {@code cdp.events.dlq}: the reason, a human detail, and the raw
 * record with its coordinates so nothing is lost.
 *
 * @param reason a {@link DeadLetterReason} wire name
 * @param detail what exactly was wrong, for a person
 * @param raw the raw record (or batch item) as text, or base64 when it is not valid UTF-8
 * @param rawEncoding {@code utf-8} or {@code base64}
 * @param key the source record's key, or null
 * @param topic the source topic (or file)
 * @param partition the source partition
 * @param offset the source offset (or line number)
 * @param at when the record was refused, epoch ms
 */
public record DeadLetter(
        String reason,
        String detail,
        String raw,
        String rawEncoding,
        byte[] key,
        String topic,
        int partition,
        long offset,
        long at) {}
