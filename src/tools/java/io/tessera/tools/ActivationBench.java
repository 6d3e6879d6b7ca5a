package io.tessera.tools;

import io.tessera.activation.ActivationOptions;
import io.tessera.activation.ActivationSettings;
import io.tessera.activation.ActivationStage;
import io.tessera.activation.EdgeRequest;
import io.tessera.simulator.PersonalizeSimulator;
import io.tessera.simulator.SimulatorConfig;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * {@code ./tessera bench activation}: Edge API calls per second the activation stage sends to the
 * simulator with injected latency, against the same run with none.
 */
final class ActivationBench {
    static final String USAGE =
            """
            Usage: ./tessera bench activation [--requests N] [--profiles P] [--latency-ms L]
                                              [--capacity C]

            Sends N attribute PATCHes (default 20000) of P profiles (default 2000) from the
            activation stage (Async I/O, one subtask, capacity C, default 100, client rate limit
            lifted) to the in-process Personalize simulator, first answering at once (the
            baseline), then after L ms (default 10), and prints calls/s of each, measured from
            the first call the simulator received to the last.
            """;

    private ActivationBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(
                        args, Set.of("requests", "profiles", "latency-ms", "capacity"), Set.of());
        int requests = line.getInt("requests", 20_000);
        int profiles = line.getInt("profiles", 2_000);
        int latency = line.getInt("latency-ms", 10);
        int capacity = line.getInt("capacity", 100);
        out.printf(
                "Activation stage, one subtask, capacity %d: %d PATCHes of %d profiles%n",
                capacity, requests, profiles);
        run(requests / 4, profiles, 0, capacity); // warm-up: class loading and JIT
        double baseline = run(requests, profiles, 0, capacity);
        double slow = run(requests, profiles, latency, capacity);
        out.printf("  edge answers at once     %,10.0f calls/s (baseline)%n", baseline);
        out.printf(
                "  edge answers in %3d ms   %,10.0f calls/s (%.2f x; at most %,d/s with %d in"
                        + " flight)%n",
                latency, slow, slow / baseline, capacity * 1000 / Math.max(1, latency), capacity);
    }

    private static double run(int requests, int profiles, int latencyMs, int capacity)
            throws Exception {
        try (PersonalizeSimulator simulator =
                PersonalizeSimulator.start(SimulatorConfig.open("bench"), 0)) {
            simulator.faults().latency(Duration.ofMillis(latencyMs));
            Configuration options = new Configuration();
            options.set(ActivationOptions.PROJECT_UID, "bench");
            options.set(ActivationOptions.EDGE_URL, simulator.url());
            options.set(ActivationOptions.CAPACITY, capacity);
            options.set(ActivationOptions.RATE_LIMIT, 1e9);
            ActivationSettings settings = ActivationSettings.from(options);
            List<EdgeRequest> calls = new ArrayList<>(requests);
            for (int i = 0; i < requests; i++) {
                int profile = i % profiles;
                calls.add(
                        new EdgeRequest(
                                "P" + profile,
                                EdgeRequest.ATTRIBUTES,
                                "u" + profile,
                                "{\"n\":" + i + "}",
                                System.currentTimeMillis()));
            }
            StreamExecutionEnvironment env =
                    StreamExecutionEnvironment.getExecutionEnvironment(
                            LocalJobConfig.create(1, null));
            ActivationStage.send(
                            env.fromData(calls, TypeInformation.of(EdgeRequest.class))
                                    .uid("bench-requests"),
                            settings)
                    .sinkTo(new DiscardingSink<>())
                    .uid("bench-outcomes");
            env.execute("tessera-bench-activation");
            List<PersonalizeSimulator.Call> received = simulator.calls();
            long first = received.stream().mapToLong(PersonalizeSimulator.Call::at).min().orElse(0);
            long last = received.stream().mapToLong(PersonalizeSimulator.Call::at).max().orElse(0);
            if (received.size() != requests) {
                throw new IllegalStateException(
                        "the simulator received " + received.size() + " of " + requests + " calls");
            }
            return requests / Math.max(0.001, (last - first) / 1000.0);
        }
    }
}
