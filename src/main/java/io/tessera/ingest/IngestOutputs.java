package io.tessera.ingest;

import org.apache.flink.util.OutputTag;

/** The ingest stage's side outputs. */
public final class IngestOutputs {
    /** Refused records, bound for {@code cdp.events.dlq}. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS =
            new OutputTag<>("event-dead-letters") {};

    private IngestOutputs() {}
}
