/**
 * Kafka adapters: the {@code cdp.events} source that parses records with the ingest stage's parser,
 * and the exactly-once sinks of the job's output topics. Thin: formats live with their stages.
 */
package io.tessera.connect;
