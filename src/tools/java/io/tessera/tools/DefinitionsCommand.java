package io.tessera.tools;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.connect.KafkaOptions;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * {@code ./tessera definitions validate FILE...}: the job's own validator, offline; {@code
 * ./tessera definitions publish FILE --bootstrap-servers HOST:PORT}: validated, then each
 * definition written to the control topic under its key (a tombstone for {@code --delete}).
 */
final class DefinitionsCommand {
    static final String USAGE =
            """
            Usage: ./tessera definitions validate FILE...
                   ./tessera definitions publish FILE... --bootstrap-servers HOST:PORT [--topic T]
                   ./tessera definitions publish --delete KIND/ID --bootstrap-servers HOST:PORT

            validate checks trait and audience definitions (schema cdp.definition/v1; a JSON
            array or a YAML list, or a single definition) with the job's validator, and prints
            each problem with its JSON path. Exits 0 when all are valid, 1 otherwise.
            A definition may use a trait defined in another of the files.
            publish validates the files the same way (nothing is written unless all are valid),
            where a definition may also use a trait already in force on the control topic (so an
            audience can be published alone), then writes each definition to the control topic
            (default cdp.definitions) under its key KIND/ID, where the running job picks it up;
            --delete KIND/ID writes a tombstone.
            """;

    private static final Pattern KEY = Pattern.compile("(trait|audience)/[a-z][a-z0-9_]{1,62}");

    private DefinitionsCommand() {}

    /** Runs the subcommand; returns the exit status. */
    static int main(String[] args, PrintStream out) throws Exception {
        if (args.length == 0 || !Set.of("validate", "publish").contains(args[0])) {
            throw new CommandLine.UsageException(
                    "expected: definitions validate FILE... or definitions publish FILE...");
        }
        List<Path> files = new ArrayList<>();
        int i = 1;
        for (; i < args.length && !args[i].startsWith("--"); i++) {
            files.add(Path.of(args[i]));
        }
        String[] flags = Arrays.copyOfRange(args, i, args.length);
        if (args[0].equals("validate")) {
            if (files.isEmpty() || flags.length > 0) {
                throw new CommandLine.UsageException("expected: definitions validate FILE...");
            }
            return validate(files, Set.of(), out).ok() ? 0 : 1;
        }
        CommandLine line =
                CommandLine.parse(flags, Set.of("bootstrap-servers", "topic", "delete"), Set.of());
        String servers = line.require("bootstrap-servers");
        String topic = line.get("topic", KafkaOptions.DEFINITIONS_TOPIC.defaultValue());
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        if (line.has("delete")) {
            String key = line.get("delete", null);
            if (!files.isEmpty() || !KEY.matcher(key).matches()) {
                throw new CommandLine.UsageException(
                        "--delete takes one KIND/ID (trait/<id> or audience/<id>) and no file");
            }
            records.add(new ProducerRecord<>(topic, bytes(key), null));
        } else {
            if (files.isEmpty()) {
                throw new CommandLine.UsageException("expected: definitions publish FILE...");
            }
            Checked checked = validate(files, traitsInForce(servers, topic), out);
            if (!checked.ok()) {
                out.println("Nothing published: fix the problems above first.");
                return 1;
            }
            for (JsonNode definition : checked.definitions()) {
                String key = definition.get("kind").asText() + "/" + definition.get("id").asText();
                records.add(new ProducerRecord<>(topic, bytes(key), bytes(definition.toString())));
            }
        }
        try (KafkaProducer<byte[], byte[]> producer = EmbeddedKafka.producer(servers)) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            records.forEach(record -> sent.add(producer.send(record)));
            for (int r = 0; r < records.size(); r++) {
                RecordMetadata written = sent.get(r).get();
                out.printf(
                        "%s %s -> %s partition %d offset %d%n",
                        records.get(r).value() == null ? "deleted" : "published",
                        new String(records.get(r).key(), StandardCharsets.UTF_8),
                        topic,
                        written.partition(),
                        written.offset());
            }
        }
        return 0;
    }

    /** The definitions of the files, and whether every one is valid. */
    private record Checked(boolean ok, List<JsonNode> definitions) {}

    /**
     * Validates each file; a definition may refer to a trait of another file given with it, or to
     * one in {@code traitsInForce}.
     */
    private static Checked validate(List<Path> files, Set<String> traitsInForce, PrintStream out)
            throws IOException {
        boolean ok = true;
        Map<Path, JsonNode> roots = new LinkedHashMap<>();
        for (Path file : files) {
            if (!Files.isRegularFile(file)) {
                throw new CommandLine.UsageException("no such file: " + file);
            }
            try {
                String name = file.getFileName().toString();
                ObjectMapper mapper =
                        name.endsWith(".yaml") || name.endsWith(".yml")
                                ? new ObjectMapper(new YAMLFactory())
                                : new ObjectMapper();
                roots.put(file, mapper.readTree(file.toFile()));
            } catch (JsonProcessingException e) {
                JsonLocation at = e.getLocation();
                out.printf(
                        "%s:%s not valid JSON or YAML: %s%n",
                        file,
                        at == null ? "" : at.getLineNr() + ":" + at.getColumnNr() + ":",
                        e.getOriginalMessage());
                ok = false;
            }
        }
        List<JsonNode> all = new ArrayList<>();
        for (Map.Entry<Path, JsonNode> entry : roots.entrySet()) {
            Path file = entry.getKey();
            JsonNode root = entry.getValue();
            Set<String> traitsElsewhere = new HashSet<>(traitsInForce);
            roots.forEach(
                    (other, otherRoot) -> {
                        if (!other.equals(file)) {
                            definitionsOf(otherRoot).stream()
                                    .filter(d -> "trait".equals(d.path("kind").asText()))
                                    .forEach(d -> traitsElsewhere.add(d.path("id").asText()));
                        }
                    });
            List<DefinitionProblem> problems = DefinitionValidator.validate(root, traitsElsewhere);
            problems.forEach(problem -> out.println(file + ": " + problem));
            List<JsonNode> definitions = definitionsOf(root);
            if (problems.isEmpty()) {
                out.printf("%s: %d definitions, all valid%n", file, definitions.size());
                all.addAll(definitions);
            } else {
                out.printf(
                        "%s: %d problems in %d definitions%n",
                        file, problems.size(), definitions.size());
                ok = false;
            }
        }
        return new Checked(ok, all);
    }

    private static List<JsonNode> definitionsOf(JsonNode root) {
        List<JsonNode> definitions = new ArrayList<>();
        if (root.isArray()) {
            root.forEach(definitions::add);
        } else {
            definitions.add(root);
        }
        return definitions;
    }

    /**
     * The ids of the traits the control topic holds in force now (its latest record per key,
     * neither a tombstone nor status deleted), so a file may publish an audience alone.
     */
    private static Set<String> traitsInForce(String servers, String topic) {
        Map<String, String> latest = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : EmbeddedKafka.readAll(servers, topic)) {
            String key = new String(record.key(), StandardCharsets.UTF_8);
            if (record.value() == null) {
                latest.remove(key);
            } else {
                latest.put(key, new String(record.value(), StandardCharsets.UTF_8));
            }
        }
        Set<String> traits = new HashSet<>();
        ObjectMapper json = new ObjectMapper();
        latest.forEach(
                (key, value) -> {
                    if (!key.startsWith("trait/")) {
                        return;
                    }
                    try {
                        if (!"deleted".equals(json.readTree(value).path("status").asText())) {
                            traits.add(key.substring("trait/".length()));
                        }
                    } catch (JsonProcessingException unreadable) {
                        // The job refuses such a record too: the trait is not in force.
                    }
                });
        return traits;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
