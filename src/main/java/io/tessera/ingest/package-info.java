/**
 * Stage 1, ingest: Segment messages in, accepted events and dead letters out (events.md).
 *
 * <ul>
 *   <li>Input: raw records of {@code cdp.events}, parsed at the source by {@link
 *       io.tessera.ingest.SegmentMessageParser} into {@link io.tessera.ingest.IngestRecord}s, with
 *       event time and per-partition watermarks from {@link io.tessera.ingest.IngestWatermarks}.
 *   <li>Output: {@link io.tessera.model.CustomerEvent}s, validated, identifiers normalised,
 *       duplicates dropped.
 *   <li>Key: none for routing; the messageId for deduplication.
 *   <li>State: the dedup window, one TTL'd value per messageId.
 *   <li>Side outputs: {@link io.tessera.ingest.IngestOutputs#DEAD_LETTERS}, every refused record
 *       with its reason, bound for {@code cdp.events.dlq}.
 * </ul>
 */
package io.tessera.ingest;
