package io.tessera.sequences;

import com.fasterxml.jackson.databind.JsonNode;
import io.tessera.definitions.Predicate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.traits.EventFields;
import java.util.Iterator;
import org.apache.flink.cep.pattern.conditions.IterativeCondition;

/**
 * A step's condition on an event; a {@code ref} ({@code step:<name>.<path>}) reads the first event
 * already bound to an earlier step of the same partial match.
 */
final class StepCondition extends IterativeCondition<ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    private final Predicate predicate;

    /**
     * The last event tested and its fields: CEP tests an event against every open partial match in
     * turn, and its message is parsed once for all of them.
     */
    private transient ResolvedEvent lastTested;

    private transient EventFields lastFields;

    StepCondition(Predicate predicate) {
        this.predicate = predicate;
    }

    @Override
    public boolean filter(ResolvedEvent value, Context<ResolvedEvent> ctx) throws Exception {
        if (value != lastTested) {
            lastTested = value;
            lastFields = new EventFields(value.event());
        }
        EventFields event = lastFields;
        return PredicateEvaluator.test(
                predicate,
                path -> path.startsWith("step:") ? earlier(path, ctx) : event.get(path),
                value.event().eventTime());
    }

    private static JsonNode earlier(String ref, Context<ResolvedEvent> ctx) {
        int dot = ref.indexOf('.');
        String step = ref.substring("step:".length(), dot);
        try {
            Iterator<ResolvedEvent> bound = ctx.getEventsForPattern(step).iterator();
            return bound.hasNext()
                    ? new EventFields(bound.next().event()).get("event." + ref.substring(dot + 1))
                    : null;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the events of step " + step, e);
        }
    }
}
