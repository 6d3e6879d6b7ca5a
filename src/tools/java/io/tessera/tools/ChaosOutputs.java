package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tessera.connect.KafkaSettings;
import io.tessera.simulator.PersonalizeSimulator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * What one run of the job left behind, in a form two runs can be compared in: the profiles
 * (compacted), the merges and audience transitions (every record, counted), the dead letters
 * without the wall-clock time they were written at, and the final attributes of every user in
 * Personalize.
 *
 * @param profiles the last profile per id (a tombstone removes it)
 * @param merges each merge record, canonical, with how many times it was written
 * @param transitions each audience transition, canonical, counted
 * @param eventDeadLetters each dead letter of ingest, canonical without its time, counted
 * @param activationDeadLetters each activation dead letter, canonical without its time, counted
 * @param edgeUsers every Personalize user's attributes, or for a user merged into another, whom
 */
record ChaosOutputs(
        Map<String, JsonNode> profiles,
        Map<String, Long> merges,
        Map<String, Long> transitions,
        Map<String, Long> eventDeadLetters,
        Map<String, Long> activationDeadLetters,
        Map<String, JsonNode> edgeUsers) {

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    /** Reads the committed outputs of the job's topics and the simulator's users. */
    static ChaosOutputs read(
            EmbeddedKafka kafka, KafkaSettings topics, PersonalizeSimulator simulator)
            throws IOException {
        Map<String, JsonNode> profiles = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topics.profilesTopic())) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                profiles.remove(key);
            } else {
                profiles.put(key, JSON.readTree(record.value()));
            }
        }
        return new ChaosOutputs(
                profiles,
                counted(kafka, topics.profileMergesTopic(), List.of()),
                counted(kafka, topics.audienceTransitionsTopic(), List.of()),
                counted(kafka, topics.eventsDlqTopic(), List.of("at")),
                counted(kafka, topics.activationDlqTopic(), List.of("at", "attempts")),
                personalizeUsers(simulator));
    }

    /**
     * Every user the edge was told of: its attributes, or for a merged user the user it ended in. A
     * merged user holds what it had when it was merged, which depends on how its profile's changes
     * were coalesced in processing time (after a restore, a visitor's first changes and its login
     * can go out together: the anonymous user is then merged without ever being written). It ended
     * in the user at the end of its chain of merges: a person's devices and login, read together
     * after a restore, can join their profiles in another order (the web visitor into the app's
     * user, then that into the person's, instead of each into the person's), and Personalize
     * resolves both to the same user.
     */
    static Map<String, JsonNode> personalizeUsers(PersonalizeSimulator simulator) {
        java.util.SortedSet<String> told = simulator.users();
        told.addAll(simulator.mergedUsers());
        Map<String, JsonNode> users = new TreeMap<>();
        for (String user : told) {
            String target = simulator.mergedInto(user);
            java.util.Set<String> seen = new java.util.HashSet<>(java.util.List.of(user));
            while (target != null && seen.add(target) && simulator.mergedInto(target) != null) {
                target = simulator.mergedInto(target);
            }
            users.put(
                    user,
                    target != null
                            ? JSON.createObjectNode().put("mergedInto", target)
                            : JSON.valueToTree(simulator.attributes(user)));
        }
        return users;
    }

    /** Writes the outputs to files in {@code dir}, one JSON value per line, for a closer look. */
    void write(java.nio.file.Path dir) throws IOException {
        java.nio.file.Files.createDirectories(dir);
        writeLines(
                dir.resolve("profiles.jsonl"),
                profiles.values().stream().map(ChaosOutputs::canonical).toList());
        writeLines(dir.resolve("merges.jsonl"), expand(merges));
        writeLines(dir.resolve("audience-transitions.jsonl"), expand(transitions));
        writeLines(dir.resolve("events-dlq.jsonl"), expand(eventDeadLetters));
        writeLines(dir.resolve("activation-dlq.jsonl"), expand(activationDeadLetters));
        writeLines(
                dir.resolve("personalize-users.jsonl"),
                edgeUsers.entrySet().stream()
                        .map(e -> e.getKey() + " " + canonical(e.getValue()))
                        .toList());
    }

    private static List<String> expand(Map<String, Long> counts) {
        List<String> lines = new java.util.ArrayList<>();
        counts.forEach(
                (record, count) -> {
                    for (long i = 0; i < count; i++) {
                        lines.add(record);
                    }
                });
        return lines;
    }

    private static void writeLines(java.nio.file.Path file, List<String> lines) throws IOException {
        java.nio.file.Files.write(file, lines, StandardCharsets.UTF_8);
    }

    /** Every record of the topic, canonical and without the given fields, with its count. */
    private static Map<String, Long> counted(EmbeddedKafka kafka, String topic, List<String> drop)
            throws IOException {
        Map<String, Long> counts = new TreeMap<>();
        for (ConsumerRecord<byte[], byte[]> record : kafka.readAll(topic)) {
            JsonNode value = JSON.readTree(record.value());
            if (value instanceof ObjectNode object) {
                object.remove(drop);
            }
            counts.merge(canonical(value), 1L, Long::sum);
        }
        return counts;
    }

    /** The JSON with every object's fields in name order: equal values, equal strings. */
    static String canonical(JsonNode value) {
        try {
            return JSON.writeValueAsString(JSON.treeToValue(value, Object.class));
        } catch (IOException e) {
            throw new IllegalStateException("JSON that was just parsed cannot be written", e);
        }
    }

    /**
     * A profile as two runs must agree on it: its identifiers as sets (the order a profile admitted
     * them in follows the order its merges arrived in, which a restart may change).
     */
    static JsonNode comparable(JsonNode profile) {
        ObjectNode copy = profile.deepCopy();
        JsonNode identifiers = copy.path("identifiers");
        if (identifiers instanceof ObjectNode byType) {
            List<String> types = new java.util.ArrayList<>();
            byType.fieldNames().forEachRemaining(types::add);
            for (String type : types) {
                TreeSet<String> values = new TreeSet<>();
                byType.get(type).forEach(v -> values.add(v.asText()));
                ArrayNode sorted = byType.putArray(type);
                values.forEach(sorted::add);
            }
        }
        return copy;
    }
}
