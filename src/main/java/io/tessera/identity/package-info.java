/**
 * Stage 2, identity: stitches every identifier of a person into one profile (identity.md).
 *
 * <ul>
 *   <li>Input: accepted {@link io.tessera.model.CustomerEvent}s.
 *   <li>Output: {@link io.tessera.identity.ResolvedEvent}s, each event with the profile it is
 *       credited to (rule 5: its highest-priority identifier's).
 *   <li>Key: the tenant ({@code single} mode: the whole graph of a tenant under one key).
 *   <li>State: the directory (identifier to profile; durable and expiring TTL classes), forward
 *       pointers of merged profiles, and the live profiles ({@link
 *       io.tessera.identity.ProfileState}), each entry its own RocksDB key.
 *   <li>Side outputs ({@link io.tessera.identity.IdentityOutputs}): profile snapshots and removals,
 *       merges, rejected links.
 * </ul>
 *
 * <p>The decisions live in plain Java: {@link io.tessera.identity.IdentityRules} (types, unique,
 * limits, size cap, quarantine) and {@link io.tessera.identity.IdentityGraph} (union-find with path
 * compression over a {@link io.tessera.identity.GraphStore}). The Flink function only supplies
 * state and emits.
 */
package io.tessera.identity;
