package io.tessera.traits;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The parts of a message that some paths lead to, read as a stream of tokens: only the values on
 * the paths are built, everything else is skipped as it is read, where reading the message as a
 * tree builds a node for every value in it. A path read in the projection finds what it finds in
 * the whole message read as a tree.
 *
 * <p>Each thread keeps the last message it read and every path it was read for ({@link Last}): the
 * operators of one task read an event one after the other (the profile stage for its definitions,
 * then the sequences for theirs), and a message already read for the paths asked is not read again.
 * The projection returned may then hold more than the paths asked for; it is not to be changed.
 */
public final class MessageProjection {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The last message each thread read, with its paths and what they led to. */
    private static final ThreadLocal<Last> LAST = ThreadLocal.withInitial(Last::new);

    private MessageProjection() {}

    /**
     * The message with what the paths lead to (and perhaps more: what other paths asked of the same
     * message lead to), not to be changed.
     *
     * @param paths each path as its names ({@code [properties, product_id]})
     * @throws IllegalStateException when the message is not valid JSON
     */
    public static ObjectNode project(String message, List<String[]> paths) {
        if (paths.isEmpty()) {
            return MAPPER.createObjectNode();
        }
        Last last = LAST.get();
        if (message != last.message) { // the same instance: the copies of a chain share it
            last.forget();
        } else if (last.covers(paths)) {
            return last.kept;
        }
        List<String[]> read = last.with(paths);
        ObjectNode kept = read(message, read);
        last.remember(message, read, kept);
        return kept;
    }

    /**
     * The last message a thread read, the paths it was read for, and what they led to. Only the
     * message's identity is compared: another instance with the same text is read again.
     */
    private static final class Last {
        private String message;
        private final Set<String> dotted = new HashSet<>();
        private final List<String[]> paths = new ArrayList<>();
        private ObjectNode kept;

        void forget() {
            message = null;
            dotted.clear();
            paths.clear();
            kept = null;
        }

        boolean covers(List<String[]> asked) {
            for (String[] path : asked) {
                if (!dotted.contains(String.join(".", path))) {
                    return false;
                }
            }
            return true;
        }

        /** The paths read before and those asked, each once. */
        List<String[]> with(List<String[]> asked) {
            if (paths.isEmpty()) {
                return asked;
            }
            List<String[]> all = new ArrayList<>(paths);
            for (String[] path : asked) {
                if (!dotted.contains(String.join(".", path))) {
                    all.add(path);
                }
            }
            return all;
        }

        void remember(String read, List<String[]> readFor, ObjectNode leadTo) {
            message = read;
            if (readFor != paths) {
                paths.clear();
                paths.addAll(readFor);
            }
            dotted.clear();
            for (String[] path : paths) {
                dotted.add(String.join(".", path));
            }
            kept = leadTo;
        }
    }

    /** The message read for the paths, as a stream of tokens. */
    private static ObjectNode read(String message, List<String[]> paths) {
        ObjectNode kept = MAPPER.createObjectNode();
        try (JsonParser parser = MAPPER.getFactory().createParser(message)) {
            if (parser.nextToken() == JsonToken.START_OBJECT) {
                copy(parser, paths, 0, kept);
            }
        } catch (IOException e) {
            throw new IllegalStateException("accepted event holds invalid JSON", e);
        }
        return kept;
    }

    /**
     * Copies the fields of the object the parser is in (after its start) that lie on one of the
     * paths at the given depth into {@code into}, and leaves the parser at the object's end. A path
     * that goes through a value that is not an object finds nothing there; an object on a longer
     * path is kept even when the rest of the path is missing from it (an empty object). A name
     * given twice counts as its last value, as when the message is read as a tree.
     */
    private static void copy(JsonParser parser, List<String[]> paths, int depth, ObjectNode into)
            throws IOException {
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            List<String[]> deeper = null;
            boolean whole = false;
            for (String[] path : paths) {
                if (path.length > depth && path[depth].equals(name)) {
                    if (path.length == depth + 1) {
                        whole = true;
                    } else {
                        if (deeper == null) {
                            deeper = new ArrayList<>();
                        }
                        deeper.add(path);
                    }
                }
            }
            if (whole) {
                JsonNode node = MAPPER.readTree(parser);
                into.set(name, node);
            } else if (deeper != null) {
                // a name given twice counts as its last value, as in a tree
                into.remove(name);
                if (value == JsonToken.START_OBJECT) {
                    copy(parser, deeper, depth + 1, into.putObject(name));
                } else {
                    parser.skipChildren();
                }
            } else {
                parser.skipChildren();
            }
        }
    }

    /**
     * The message paths an evaluation has read so far, learned as it reads them, so that each next
     * message is read once for all of them ({@link EventFields}): after the first events of a
     * definition set every path it reads is known. Not safe for threads: one per operator instance.
     * Past {@value #MOST} paths a message is read whole, as a tree.
     */
    public static final class Learned {
        /** How many paths are learned at most. */
        static final int MOST = 64;

        private final Set<String> known = new HashSet<>();
        private final List<String[]> paths = new ArrayList<>();

        /**
         * Learns a path (dotted, after {@code event.}).
         *
         * @return true when it was not known before, so a message projected before lacks it
         */
        boolean learn(String path) {
            if (known.contains(path) || full()) {
                return false;
            }
            known.add(path);
            paths.add(path.split("\\."));
            return true;
        }

        /** True when the path was learned. */
        boolean knows(String path) {
            return known.contains(path);
        }

        /** True when no more paths are learned. */
        boolean full() {
            return known.size() >= MOST;
        }

        /** The message with what every learned path leads to. */
        ObjectNode project(String message) {
            return MessageProjection.project(message, paths);
        }
    }
}
