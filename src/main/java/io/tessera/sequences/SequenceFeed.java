package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Before the events cross to the sequences' operators, in the task that resolved them, in one of
 * two ways:
 *
 * <ul>
 *   <li>choosing (single mode): an event no sequence can use stops here, the others go on whole,
 *       and each sequence's filter after the crossing keeps what its steps read;
 *   <li>reducing (distributed mode, where the partitioning counts every event to hold the
 *       sequences' event time below the events still in flight): every event goes on, reduced to
 *       what any sequence reads (name, type, time and the message paths of every sequence's steps
 *       and {@code exitOn}, read after the crossing there), and an event no sequence reads nor
 *       leaves by goes on without a message ({@link SequenceEventProjection#unread}). The whole
 *       message, the identifiers and the tenant then never cross the network only to be cut.
 * </ul>
 *
 * The event is read once for all the sequences. Reducing is measured a gain where every event
 * crossed whole; in single mode the events cross chosen already, and reading the message before the
 * crossing moved its cost into the resolving task without lowering it (docs/performance.md).
 */
final class SequenceFeed implements FlatMapFunction<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    private final List<SequenceEvents> sequences;

    /** The exits to look for (when reducing), or null. */
    private final ExitCandidates exits;

    /** What a reducing feed keeps of a message; null for a choosing one. */
    private final SequenceEventProjection projection;

    private SequenceFeed(List<SequenceDefinition> sequences, boolean reducing) {
        this.sequences = sequences.stream().map(SequenceEvents::new).toList();
        this.exits = reducing ? new ExitCandidates(sequences) : null;
        this.projection = reducing ? reducedTo(sequences) : null;
    }

    /** The feed that passes on whole only the events some sequence can use. */
    static SequenceFeed choosing(List<SequenceDefinition> sequences) {
        return new SequenceFeed(sequences, false);
    }

    /** The feed that passes on every event, reduced to what the sequences read. */
    static SequenceFeed reducing(List<SequenceDefinition> sequences) {
        return new SequenceFeed(sequences, true);
    }

    /** What this feed keeps of a message when it reduces events, or null when it chooses them. */
    SequenceEventProjection projection() {
        return projection;
    }

    /** What a reducing feed keeps of a message: what every step and {@code exitOn} reads. */
    static SequenceEventProjection reducedTo(List<SequenceDefinition> sequences) {
        List<Predicate> read = new ArrayList<>();
        for (SequenceDefinition sequence : sequences) {
            read.addAll(SequenceEventProjection.stepPredicates(sequence));
            if (sequence.exitOn() != null) {
                read.add(sequence.exitOn());
            }
        }
        return SequenceEventProjection.reading(read);
    }

    @Override
    public void flatMap(ResolvedEvent resolved, Collector<ResolvedEvent> out) {
        EventFields fields = new EventFields(resolved.event());
        boolean read = read(fields);
        if (projection == null) {
            if (read) {
                out.collect(resolved);
            }
        } else {
            out.collect(
                    read ? projection.project(resolved) : SequenceEventProjection.unread(resolved));
        }
    }

    /** Whether some sequence can use the event, or (when reducing) it ends a membership. */
    private boolean read(EventFields fields) {
        for (SequenceEvents sequence : sequences) {
            if (sequence.relevant(fields)) {
                return true;
            }
        }
        return exits != null && exits.endsAny(fields);
    }
}
