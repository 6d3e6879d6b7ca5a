/**
 * Tessera: a real-time Customer Data Platform as one Flink job. {@link io.tessera.TesseraJob} is
 * the entry point; {@link io.tessera.TesseraConfig} reads the options and assembles each stage's
 * settings; {@link io.tessera.Topology} wires the stages in dataflow order:
 *
 * <ol>
 *   <li>{@link io.tessera.ingest}: Segment messages in, accepted events and dead letters out;
 *   <li>{@link io.tessera.identity}: stitches identifiers into profiles, in one of two modes
 *       (single, or distributed through {@link io.tessera.identity.distributed});
 *   <li>{@link io.tessera.profile}: computed traits ({@link io.tessera.traits}) and rule audiences,
 *       run inside the identity operators, which hold the profiles they merge;
 *   <li>{@link io.tessera.sequences}: behavioural audiences with Flink CEP;
 *   <li>{@link io.tessera.activation}: Contentstack Personalize Edge API calls.
 * </ol>
 *
 * <p>{@link io.tessera.config} holds what every stage's options share; {@link io.tessera.connect}
 * the Kafka adapters; {@link io.tessera.definitions} the definition language; {@link
 * io.tessera.model} the types that travel between stages.
 */
package io.tessera;
