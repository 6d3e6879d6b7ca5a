package io.tessera.tools;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.tessera.definitions.DefinitionProblem;
import io.tessera.definitions.DefinitionValidator;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code ./tessera definitions validate FILE}: the job's own validator, offline. */
final class DefinitionsCommand {
    static final String USAGE =
            """
            Usage: ./tessera definitions validate FILE

            Checks trait and audience definitions (schema cdp.definition/v1; a JSON array or a
            YAML list, or a single definition) with the job's validator, and prints each problem
            with its JSON path. Exits 0 when all are valid, 1 otherwise.
            """;

    private DefinitionsCommand() {}

    /** Validates the file; returns the exit status. */
    static int main(String[] args, PrintStream out) throws IOException {
        if (args.length != 2 || !args[0].equals("validate")) {
            throw new CommandLine.UsageException("expected: definitions validate FILE");
        }
        Path file = Path.of(args[1]);
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.UsageException("no such file: " + file);
        }
        JsonNode root;
        try {
            String name = file.getFileName().toString();
            ObjectMapper mapper =
                    name.endsWith(".yaml") || name.endsWith(".yml")
                            ? new ObjectMapper(new YAMLFactory())
                            : new ObjectMapper();
            root = mapper.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            out.println(file + ": not valid JSON or YAML: " + e.getOriginalMessage());
            return 1;
        }
        List<DefinitionProblem> problems = DefinitionValidator.validate(root);
        problems.forEach(problem -> out.println(problem));
        int count = root.isArray() ? root.size() : 1;
        if (problems.isEmpty()) {
            out.printf("%s: %d definitions, all valid%n", file, count);
            return 0;
        }
        out.printf("%s: %d problems in %d definitions%n", file, problems.size(), count);
        return 1;
    }
}
