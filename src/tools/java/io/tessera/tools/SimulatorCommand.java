package io.tessera.tools;

import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/** {@code ./tessera simulator}: the Personalize Edge API simulator alone, until interrupted. */
final class SimulatorCommand {
    static final String USAGE =
            """
            Usage: ./tessera simulator [--port P] [--host ADDRESS] [--config FILE]

            Serves a local Contentstack Personalize Edge API on ADDRESS:P (default 127.0.0.1:8090;
            0.0.0.0 serves other hosts, as in docker compose):
            PATCH /user-attributes, POST /user-attributes/actions/merge, POST /events,
            GET /manifest, with attributes in memory and a manifest computed from the config's
            experiences (default examples/personalize-simulator.json). Inspect it with
            GET /simulator/users/<uid> and GET /simulator/requests; inject faults with
            POST /simulator/faults, e.g. {"unavailableMs": 30000} or {"tooManyFraction": 0.2,
            "retryAfter": 1} or {"latencyMs": 10}. Stop it with Ctrl-C.
            """;

    static final String DEFAULT_CONFIG = "examples/personalize-simulator.json";

    private SimulatorCommand() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("port", "host", "config"), Set.of());
        Path file = Path.of(line.get("config", DEFAULT_CONFIG));
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.UsageException("no such file: " + file);
        }
        SimulatorConfig config;
        try {
            config = SimulatorConfig.load(file);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.UsageException(file + ": " + e.getMessage());
        }
        try (PersonalizeSimulator simulator =
                PersonalizeSimulator.start(
                        config,
                        InetAddress.getByName(line.get("host", "127.0.0.1")),
                        line.getInt("port", 8090))) {
            out.printf(
                    "Personalize simulator at %s, project %s, %d experiences (Ctrl-C stops"
                            + " it)%n",
                    simulator.url(), config.projectUid(), config.experiences().size());
            new CountDownLatch(1).await(); // serves until the process is interrupted
        }
    }
}
