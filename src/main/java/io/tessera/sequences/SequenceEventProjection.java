package io.tessera.sequences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.definitions.Predicate;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.traits.MessageProjection;
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
        return reading(stepPredicates(sequence));
    }

    /**
     * The projection of what any of the predicates reads: for several sequences, the union of
     * theirs, which each sequence's own projection can be taken from again.
     */
    static SequenceEventProjection reading(List<Predicate> predicates) {
        Set<String> read = new TreeSet<>();
        predicates.forEach(predicate -> collect(predicate, read));
        List<String[]> paths = new ArrayList<>();
        for (String path : read) {
            // a path inside another kept one adds nothing
            if (read.stream().noneMatch(other -> path.startsWith(other + "."))) {
                paths.add(path.split("\\."));
            }
        }
        return new SequenceEventProjection(List.copyOf(paths));
    }

    /** The conditions of a sequence's steps: what its CEP operator reads of an event. */
    static List<Predicate> stepPredicates(SequenceDefinition sequence) {
        List<Predicate> predicates = new ArrayList<>();
        for (SequenceDefinition.Step step : sequence.steps()) {
            predicates.add(step.match());
            if (step.until() != null) {
                predicates.add(step.until());
            }
        }
        return predicates;
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
        return reduced(resolved, message(resolved.event().message()));
    }

    /**
     * An event no sequence reads, passed on only to be counted where the events are partitioned
     * (distributed mode): its profile, type, name and time, and no message at all, which is how the
     * sequences' filters know to drop it.
     */
    static ResolvedEvent unread(ResolvedEvent resolved) {
        return reduced(resolved, null);
    }

    /** The event with its profile, type, name and time, and this message alone. */
    private static ResolvedEvent reduced(ResolvedEvent resolved, String message) {
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
                        message,
                        null));
    }

    /** True when the event is one no sequence reads ({@link #unread}). */
    static boolean isUnread(ResolvedEvent resolved) {
        return resolved.event().message() == null;
    }

    /** True when this projection keeps exactly what the other does. */
    boolean keepsAs(SequenceEventProjection other) {
        return paths().equals(other.paths());
    }

    /**
     * The message with only the kept paths, each with what it leads to in the message (a path that
     * leads nowhere is left out). The message is read as a stream of tokens ({@link
     * MessageProjection}): only the kept values are built, everything else is skipped as it is
     * read, and a message the task's thread has just read for these paths (the profile stage's
     * definitions read the same properties) is not read again.
     */
    String message(String message) {
        if (paths.isEmpty()) {
            return "{}";
        }
        ObjectNode read = MessageProjection.project(message, paths);
        ObjectNode kept = MAPPER.createObjectNode();
        for (String[] path : paths) {
            JsonNode value = read;
            for (String name : path) {
                value = value.isObject() ? value.get(name) : null;
                if (value == null) {
                    break;
                }
            }
            if (value != null) {
                ObjectNode into = kept;
                for (int i = 0; i < path.length - 1; i++) {
                    JsonNode inner = into.get(path[i]);
                    into = inner instanceof ObjectNode object ? object : into.putObject(path[i]);
                }
                into.set(path[path.length - 1], value);
            }
        }
        try {
            return MAPPER.writeValueAsString(kept);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a projected event", e);
        }
    }
}
