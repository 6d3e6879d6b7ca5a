package io.tessera.tools;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code ./tessera generate}: the demo's shop traffic produced to a Kafka broker of one's own (the
 * traffic generator of docker compose).
 */
final class GenerateCommand {
    static final String USAGE =
            """
            Usage: ./tessera generate --bootstrap-servers HOST:PORT [--topic T] [--users N]
                                      [--seconds S] [--seed X]

            Produces the shop traffic of N visitors (default 1000) to the topic (default
            cdp.events), spread over S seconds (default 60), with event times over the two hours
            before now: page views, product views, adds, orders, articles, logins that merge
            profiles, second devices, a shared kiosk, and some bad records and redeliveries.
            The same seed (default 42) gives the same traffic.
            """;

    private GenerateCommand() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line =
                CommandLine.parse(
                        args,
                        Set.of("bootstrap-servers", "topic", "users", "seconds", "seed"),
                        Set.of());
        String servers = line.get("bootstrap-servers", null);
        if (servers == null) {
            throw new CommandLine.UsageException("--bootstrap-servers is required");
        }
        String topic = line.get("topic", "cdp.events");
        int users = line.getInt("users", 1000);
        int seconds = line.getInt("seconds", 60);
        long seed = line.getInt("seed", 42);
        checkReachable(servers, topic);
        Instant now = Instant.now();
        List<ShopTraffic.Record> traffic =
                ShopTraffic.generate(
                        seed, users, now.minus(Duration.ofHours(2)), Duration.ofHours(2));
        out.printf(
                "Producing %d records of %d visitors to %s at %s over %d s ...%n",
                traffic.size(), users, topic, servers, seconds);
        AtomicLong produced = new AtomicLong();
        Thread producer =
                DemoCommand.startProducer(
                        servers,
                        topic,
                        traffic,
                        seconds,
                        produced,
                        new AtomicLongArray(traffic.size()));
        producer.join();
        if (produced.get() != traffic.size()) {
            throw new IllegalStateException(
                    "produced " + produced.get() + " of " + traffic.size() + " records");
        }
        out.printf("Produced %d records.%n", produced.get());
    }

    /** Fails in seconds, in one line, when the broker cannot be reached or has no such topic. */
    static void checkReachable(String servers, String topic) throws InterruptedException {
        java.util.Map<String, Object> settings =
                java.util.Map.of(
                        org.apache.kafka.clients.admin.AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                        servers,
                        org.apache.kafka.clients.admin.AdminClientConfig
                                .DEFAULT_API_TIMEOUT_MS_CONFIG,
                        10_000,
                        org.apache.kafka.clients.admin.AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                        10_000);
        try (org.apache.kafka.clients.admin.Admin admin =
                org.apache.kafka.clients.admin.Admin.create(settings)) {
            java.util.Set<String> topics;
            try {
                topics = admin.listTopics().names().get(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException
                    | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException(
                        "cannot reach Kafka at "
                                + servers
                                + " (is the broker running, and --bootstrap-servers right?)",
                        e);
            }
            if (!topics.contains(topic)) {
                throw new IllegalStateException(
                        "topic "
                                + topic
                                + " does not exist at "
                                + servers
                                + ": create it as the README's topic table says");
            }
        }
    }
}
