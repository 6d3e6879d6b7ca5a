package io.tessera.sequences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.definitions.Predicate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sequence's CEP operator keeps of an event: its name, type and time, and only the parts of
 * the message its steps read (their fields, and the fields other steps read of it through a {@code
 * ref}). CEP buffers every event it receives until the watermark and keeps the events of open
 * partial matches, so each byte left out here is a byte not written to and deleted from RocksDB,
 * and a step's condition parses a message of a few bytes instead of the whole one.
 */
final class SequenceEventProjection implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Fields read from the event object rather than the message. */
    private static final Set<String> OWN_FIELDS = Set.of("name", "type", "timestamp");

    /** The message paths kept, each as its names (e.g. {@code [properties, product_id]}). */
    private final List<String[]> paths;

    private SequenceEventProjection(List<String[]> paths) {
        this.paths = paths;
    }

    /** The projection of the events one sequence reads. */
    static SequenceEventProjection of(SequenceDefinition sequence) {
        Set<String> read = new TreeSet<>();
        for (SequenceDefinition.Step step : sequence.steps()) {
            collect(step.match(), read);
            if (step.until() != null) {
                collect(step.until(), read);
            }
        }
        List<String[]> paths = new ArrayList<>();
        for (String path : read) {
            // a path inside another kept one adds nothing
            if (read.stream().noneMatch(other -> path.startsWith(other + "."))) {
                paths.add(path.split("\\."));
            }
        }
        return new SequenceEventProjection(List.copyOf(paths));
    }

    /** The message paths (after {@code event.}) a predicate reads, directly or by a ref. */
    private static void collect(Predicate predicate, Set<String> read) {
        if (predicate instanceof Predicate.All all) {
            all.parts().forEach(part -> collect(part, read));
        } else if (predicate instanceof Predicate.Any any) {
            any.parts().forEach(part -> collect(part, read));
        } else if (predicate instanceof Predicate.Not not) {
            collect(not.part(), read);
        } else {
            Predicate.Comparison comparison = (Predicate.Comparison) predicate;
            add(comparison.field(), "event.", read);
            if (comparison.ref() != null) {
                // step:<name>.<path>, read as event.<path> of that step's event
                add(comparison.ref().substring(comparison.ref().indexOf('.') + 1), "", read);
            }
        }
    }

    private static void add(String path, String prefix, Set<String> read) {
        if (path == null || !path.startsWith(prefix)) {
            return;
        }
        String inMessage = path.substring(prefix.length());
        if (!inMessage.isEmpty() && !OWN_FIELDS.contains(inMessage)) {
            read.add(inMessage);
        }
    }

    /** The message paths kept, dotted, for tests and logs. */
    List<String> paths() {
        return paths.stream().map(names -> String.join(".", names)).toList();
    }

    /**
     * The event as the sequence's CEP operator keeps it: the same profile, type, name and time; no
     * message id (nothing after CEP reads it), identifiers or tenant; a message holding only the
     * kept paths.
     */
    ResolvedEvent project(ResolvedEvent resolved) {
        CustomerEvent event = resolved.event();
        return new ResolvedEvent(
                resolved.profileId(),
                new CustomerEvent(
                        null,
                        event.type(),
                        event.event(),
                        event.eventTime(),
                        List.of(),
                        null,
                        message(event.message()),
                        null));
    }

    private String message(String message) {
        if (paths.isEmpty()) {
            return "{}";
        }
        JsonNode whole;
        try {
            whole = MAPPER.readTree(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("accepted event holds invalid JSON", e);
        }
        ObjectNode kept = MAPPER.createObjectNode();
        for (String[] names : paths) {
            JsonNode node = whole;
            ObjectNode into = kept;
            for (int i = 0; i < names.length && node != null; i++) {
                node = node.get(names[i]);
                if (node == null) {
                    break;
                }
                if (i == names.length - 1) {
                    into.set(names[i], node);
                } else if (node.isObject()) {
                    JsonNode existing = into.get(names[i]);
                    into = existing instanceof ObjectNode o ? o : into.putObject(names[i]);
                } else {
                    break; // the path goes through a value that is not an object: nothing there
                }
            }
        }
        try {
            return MAPPER.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a projected event", e);
        }
    }
}
