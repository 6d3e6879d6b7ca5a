package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Before the events cross to the sequences' operators, in the task that resolved them: an event no
 * sequence can use stops here, and the others go on reduced to what any sequence reads (name, type,
 * time and the message paths of every sequence's steps), so the whole message, the identifiers and
 * the tenant never cross the network to be cut there. The event is read once for all the sequences.
 *
 * <p>Where the partitioning counts every event (distributed mode holds the sequences' event time
 * below the events still in flight), an event no sequence reads goes on as well, without a message
 * ({@link SequenceEventProjection#unread}); there the {@code exitOn} conditions are read after the
 * partitioning, so their paths are kept too, and an event that meets one goes on with its message.
 */
final class SequenceFeed implements FlatMapFunction<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    private final List<SequenceEvents> sequences;
    private final List<Predicate> exits;
    private final SequenceEventProjection projection;
    private final boolean everyEvent;

    /**
     * @param everyEvent whether every event must go on (an event no sequence reads without its
     *     message), for a partitioning that counts them
     */
    SequenceFeed(List<SequenceDefinition> sequences, boolean everyEvent) {
        this.sequences = sequences.stream().map(SequenceEvents::new).toList();
        this.exits =
                everyEvent
                        ? sequences.stream()
                                .map(SequenceDefinition::exitOn)
                                .filter(exitOn -> exitOn != null)
                                .toList()
                        : List.of();
        this.projection = projectionOf(sequences, everyEvent);
        this.everyEvent = everyEvent;
    }

    /** What the events reduced by a feed keep of their message. */
    static SequenceEventProjection projectionOf(
            List<SequenceDefinition> sequences, boolean everyEvent) {
        List<Predicate> read = new ArrayList<>();
        for (SequenceDefinition sequence : sequences) {
            read.addAll(SequenceEventProjection.stepPredicates(sequence));
            if (everyEvent && sequence.exitOn() != null) {
                read.add(sequence.exitOn());
            }
        }
        return SequenceEventProjection.reading(read);
    }

    @Override
    public void flatMap(ResolvedEvent resolved, Collector<ResolvedEvent> out) {
        EventFields fields = new EventFields(resolved.event());
        if (read(fields)) {
            out.collect(projection.project(resolved));
        } else if (everyEvent) {
            out.collect(SequenceEventProjection.unread(resolved));
        }
    }

    /** Whether some sequence can use the event, or (where every event goes on) it ends one. */
    private boolean read(EventFields fields) {
        for (SequenceEvents sequence : sequences) {
            if (sequence.relevant(fields)) {
                return true;
            }
        }
        long time = fields.event().eventTime();
        for (Predicate exitOn : exits) {
            if (PredicateEvaluator.test(exitOn, fields, time)) {
                return true;
            }
        }
        return false;
    }
}
