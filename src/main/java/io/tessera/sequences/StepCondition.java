package io.tessera.sequences;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition on an event; a {@code ref} ({@code step:<name>.<path>}) reads the first event
 * already bound to an earlier step of the same partial match.
 */
final class StepCondition extends IterativeCondition<ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    private final Predicate predicate;

    /**
     * How many messages a condition keeps read: CEP tests an event against every open partial match
     * of its profile in turn, and a {@code ref} reads the event bound to an earlier step of each of
     * them, so the same few messages (an event, and the first events of the profile's partial
     * matches) are read again and again while a profile's events are processed.
     */
    static final int MESSAGES_KEPT = 64;

    /** The messages read last, each as its tree; the oldest read is dropped first. */
    private transient Map<String, JsonNode> read;

    /** The event tested last, and its fields: CEP tests it against every open partial match. */
    private transient ResolvedEvent lastTested;

    private transient EventFields lastFields;

    StepCondition(Predicate predicate) {
        this.predicate = predicate;
    }

    @Override
    public boolean filter(ResolvedEvent value, Context<ResolvedEvent> ctx) throws Exception {
        if (value != lastTested) {
            lastTested = value;
            lastFields = fields(value);
        }
        EventFields event = lastFields;
        return PredicateEvaluator.test(
                predicate,
                path -> path.startsWith("step:") ? earlier(path, ctx) : event.get(path),
                value.event().eventTime());
    }

    /** The event's fields, its message read once for as long as it is among the last kept. */
    EventFields fields(ResolvedEvent resolved) {
        String message = resolved.event().message();
        if (message == null) {
            return new EventFields(resolved.event());
        }
        if (read == null) {
            read =
                    new LinkedHashMap<>(MESSAGES_KEPT * 2, 0.75f, true) {
                        @Override
                        protected boolean removeEldestEntry(Map.Entry<String, JsonNode> eldest) {
                            return size() > MESSAGES_KEPT;
                        }
                    };
        }
        JsonNode tree = read.get(message);
        if (tree == null) {
            tree = EventFields.read(message);
            read.put(message, tree);
        }
        return EventFields.read(resolved.event(), tree);
    }

    private JsonNode earlier(String ref, Context<ResolvedEvent> ctx) {
        int dot = ref.indexOf('.');
        String step = ref.substring("step:".length(), dot);
        try {
            Iterator<ResolvedEvent> bound = ctx.getEventsForPattern(step).iterator();
            return bound.hasNext()
                    ? fields(bound.next()).get("event." + ref.substring(dot + 1))
                    : null;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the events of step " + step, e);
        }
    }
}
