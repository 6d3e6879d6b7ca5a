package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/** Stage 1: from parsed source records to accepted, deduplicated events and dead letters. */
public final class IngestStage {
    private IngestStage() {}

    /**
     * What the stage yields.
     *
     * @param events accepted events, duplicates dropped, in event time
     * @param deadLetters refused records, bound for {@code cdp.events.dlq}
     */
    public record Ingested(DataStream<CustomerEvent> events, DataStream<DeadLetter> deadLetters) {

        /**
         * Writes the stage's outputs.
         *
         * @param deadLetterSink where refused records go ({@code cdp.events.dlq})
         * @param acceptedTap a tap on accepted events (replay and tests), or null
         * @param acceptedTapUid the tap's uid
         */
        public void writeTo(
                Sink<DeadLetter> deadLetterSink,
                Sink<CustomerEvent> acceptedTap,
                String acceptedTapUid) {
            deadLetters
                    .sinkTo(deadLetterSink)
                    .uid(IngestUids.DEAD_LETTER_SINK)
                    .name(IngestUids.DEAD_LETTER_SINK_NAME);
            if (acceptedTap != null) {
                events.sinkTo(acceptedTap).uid(acceptedTapUid).name("Accepted events");
            }
        }
    }

    /**
     * Routes dead letters aside and drops duplicate messageIds.
     *
     * @param records parsed records with event time and watermarks ({@link IngestWatermarks})
     * @param numbered whether each key's events are numbered in the order they pass (distributed
     *     identity keeps a key's events in that order; {@link CustomerEvent#orderPosition})
     * @param namedFresh numbered, how long what a key's events named marks its next events ({@link
     *     CustomerEvent#identifiersNamed}), or null: not marked
     */
    public static Ingested ingestEvents(
            DataStream<IngestRecord> records,
            IngestSettings settings,
            boolean numbered,
            Duration namedFresh) {
        SingleOutputStreamOperator<SourcedEvent> routed =
                records.process(new DeadLetterRouter())
                        .uid(IngestUids.ROUTE)
                        .name(IngestUids.ROUTE_NAME);
        SingleOutputStreamOperator<CustomerEvent> deduplicated =
                routed.keyBy(new DedupKey())
                        .process(
                                new DeduplicateFunction(
                                        settings.dedupWindow(), numbered, namedFresh))
                        .uid(IngestUids.DEDUPLICATE)
                        .name(IngestUids.DEDUPLICATE_NAME);
        return new Ingested(deduplicated, routed.getSideOutput(IngestOutputs.DEAD_LETTERS));
    }
}
