/**
 * Tessera: a real-time Customer Data Platform as one Flink job. {@link io.tessera.TesseraJob} is
 * the entry point; {@link io.tessera.Topology} wires the stages in dataflow order:
 *
 * <ol>
 *   <li>{@link io.tessera.ingest}: Segment messages in, accepted events and dead letters out;
 *   <li>identity: stitches identifiers into profiles (to come);
 *   <li>profile: computed traits and rule audiences (to come);
 *   <li>sequences: behavioural audiences with Flink CEP (to come);
 *   <li>activation: Contentstack Personalize Edge API calls (to come).
 * </ol>
 *
 * <p>{@link io.tessera.config} holds the options; {@link io.tessera.connect} the Kafka adapters;
 * {@link io.tessera.model} the types that travel between stages.
 */
package io.tessera;
