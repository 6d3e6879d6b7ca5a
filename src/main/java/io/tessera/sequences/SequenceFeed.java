package io.tessera.sequences;

import io.tessera.definitions.Predicate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import io.tessera.traits.MessageProjection;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Before the events cross to the sequences' operators, in the task that resolved them: an event no
 * sequence can use and no membership ends by stops here (or, where the partitioning counts every
 * event to hold the sequences' event time below the events still in flight, distributed mode, goes
 * on without a message: {@link SequenceEventProjection#unread}); every other event goes on reduced
 * to its name, type and time and the message paths that matter for it: what any sequence's
 * relevance and any {@code exitOn} read (so that each is read after the crossing as here), and what
 * the steps of the sequences it is relevant to read. The identifiers, the tenant and the rest of
 * the message never cross the network only to be cut, and an event that only sequences whose steps
 * read no message can use (an add to cart, for an abandoned cart) is not read for any other's
 * steps.
 *
 * <p>The event is read once for all the sequences, in the task whose profile stage has just read it
 * for the definitions' paths: a message the thread read for them already is not read again ({@link
 * MessageProjection}).
 */
final class SequenceFeed implements FlatMapFunction<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    /** How many sequences an event's reduction tells apart; past that it keeps what any reads. */
    static final int MOST_TOLD_APART = 63;

    private final List<SequenceDefinition> sequences;

    private final List<SequenceEvents> filters;

    private final ExitCandidates exits;

    /** Whether an event no sequence reads goes on without a message (else it stops here). */
    private final boolean everyEvent;

    /** What every event that goes on keeps: what any relevance and any {@code exitOn} read. */
    private final List<Predicate> alwaysRead;

    /** The reductions made so far, by the sequences the event is relevant to (a bit each). */
    private transient Map<Long, SequenceEventProjection> reductions;

    private transient MessageProjection.Learned learned;

    private SequenceFeed(List<SequenceDefinition> sequences, boolean everyEvent) {
        this.sequences = List.copyOf(sequences);
        this.filters = sequences.stream().map(SequenceEvents::new).toList();
        this.exits = new ExitCandidates(sequences);
        this.everyEvent = everyEvent;
        List<Predicate> read = new ArrayList<>();
        for (SequenceDefinition sequence : sequences) {
            SequenceRelevance.of(sequence).ifPresent(read::add);
            if (sequence.exitOn() != null) {
                read.add(sequence.exitOn());
            }
        }
        this.alwaysRead = List.copyOf(read);
    }

    /** The feed that passes on only the events some sequence can use or some exit is met by. */
    static SequenceFeed choosing(List<SequenceDefinition> sequences) {
        return new SequenceFeed(sequences, false);
    }

    /** The feed that passes on every event, those no sequence reads without a message. */
    static SequenceFeed reducing(List<SequenceDefinition> sequences) {
        return new SequenceFeed(sequences, true);
    }

    /** The most a reduced event keeps: what every step and {@code exitOn} reads. */
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
        if (learned == null) {
            learned = new MessageProjection.Learned();
            reductions = new HashMap<>();
        }
        EventFields fields = new EventFields(resolved.event(), learned);
        long relevant = 0;
        for (int i = 0; i < filters.size(); i++) {
            if (filters.get(i).relevant(fields)) {
                relevant |= i < MOST_TOLD_APART ? 1L << i : -1L;
            }
        }
        if (relevant == 0 && !exits.endsAny(fields)) {
            if (everyEvent) {
                out.collect(SequenceEventProjection.unread(resolved));
            }
            return;
        }
        out.collect(reduction(relevant).project(resolved));
    }

    /** What an event relevant to these sequences keeps. */
    private SequenceEventProjection reduction(long relevant) {
        SequenceEventProjection reduction = reductions.get(relevant);
        if (reduction == null) {
            List<Predicate> read = new ArrayList<>(alwaysRead);
            for (int i = 0; i < sequences.size(); i++) {
                if (relevant == -1L || (i < MOST_TOLD_APART && (relevant & 1L << i) != 0)) {
                    read.addAll(SequenceEventProjection.stepPredicates(sequences.get(i)));
                }
            }
            reduction = SequenceEventProjection.reading(read);
            reductions.put(relevant, reduction);
        }
        return reduction;
    }
}
