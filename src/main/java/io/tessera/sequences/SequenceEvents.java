package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import io.tessera.traits.MessageProjection;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * In front of a sequence's CEP operator: keeps the events the sequence can use ({@link
 * SequenceRelevance}) and passes each as its CEP operator keeps it ({@link
 * SequenceEventProjection}). The events it reads may come reduced already ({@link SequenceFeed}): a
 * condition reads the same in both, since the paths of every relevance and of the steps of the
 * sequences an event is relevant to are kept.
 */
final class SequenceEvents implements FlatMapFunction<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** The condition an event must meet, or null when every event is kept. */
    private final Predicate relevant;

    private final SequenceEventProjection projection;

    /**
     * Whether every event arrives as this sequence keeps it already: its steps read every path the
     * feed keeps of any event, so what arrives holds nothing else.
     */
    private final boolean kept;

    private transient MessageProjection.Learned learned;

    /** The filter of whole events. */
    SequenceEvents(SequenceDefinition sequence) {
        this(sequence, null);
    }

    /**
     * The filter of events that arrive reduced by a {@link SequenceFeed} that keeps at most this
     * ({@link SequenceFeed#reducedTo}), or whole when it is null.
     */
    SequenceEvents(SequenceDefinition sequence, SequenceEventProjection mostArriving) {
        this.relevant = SequenceRelevance.of(sequence).orElse(null);
        this.projection = SequenceEventProjection.of(sequence);
        this.kept = mostArriving != null && projection.keepsAs(mostArriving);
    }

    /** True when the sequence can use the event. */
    boolean relevant(ResolvedEvent value) {
        if (learned == null) {
            learned = new MessageProjection.Learned();
        }
        return relevant(new EventFields(value.event(), learned));
    }

    /**
     * True when the sequence can use the event whose fields these are (one reading of the event
     * shared by several sequences: its message is parsed once, if a condition reads it).
     */
    boolean relevant(EventFields fields) {
        return relevant == null
                || PredicateEvaluator.test(relevant, fields::get, fields.event().eventTime());
    }

    @Override
    public void flatMap(ResolvedEvent value, Collector<ResolvedEvent> out) {
        if (SequenceEventProjection.isUnread(value) || !relevant(value)) {
            return;
        }
        out.collect(kept ? value : projection.project(value));
    }
}
