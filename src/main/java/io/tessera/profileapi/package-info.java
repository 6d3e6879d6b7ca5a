/**
 * The profile API, a service beside the job (its own main, the same jar): reads {@code
 * cdp.profiles} and {@code cdp.profile-merges} (read committed) into a RocksDB store and serves
 * lookups by profile id or identifier and audience members over HTTP. Not a Flink stage: it runs in
 * its own process and restarts from its store and the offsets kept in it.
 */
package io.tessera.profileapi;
