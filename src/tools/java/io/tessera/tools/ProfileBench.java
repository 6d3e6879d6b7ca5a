package io.tessera.tools;

import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.LiveDefinitions;
import io.tessera.profile.ProfileOptions;
import io.tessera.profile.ProfileSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * {@code ./tessera bench profile}: events per second through the identity-and-profile operator on
 * one core with RocksDB, computing 20 traits (half windowed) and 10 rule audiences, against the
 * same operator without definitions in the same run; and the state a profile takes.
 */
final class ProfileBench {
    static final String USAGE =
            """
            Usage: ./tessera bench profile [--events N] [--users U]

            Drives the operator in this thread (one core) with N shop events (default 200000)
            of U users (default 20000) over 30 days, with RocksDB, and prints events/s:
              identity only          the baseline: no definitions
              20 traits, 10 audiences  the bundled benchmark set (half the traits windowed)
            and the mean serialized size of a profile's state.
            """;

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final String[] NAMES = {
        "Product Viewed",
        "Product Viewed",
        "Product Viewed",
        "Product Viewed",
        "Product Added",
        "Order Completed",
        "Article Viewed"
    };
    private static final String[] CATEGORIES = {"shoes", "apparel", "outdoor", "fitness"};

    private ProfileBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("events", "users"), Set.of());
        int events = line.getInt("events", 200_000);
        int users = line.getInt("users", 20_000);
        List<CustomerEvent> workload = workload(events, users);
        ProfileSettings definitions = benchDefinitions();
        out.printf(
                "Profile operator, single mode, RocksDB, one core: %d events of %d users%n",
                events, users);
        // A discarded first pass: class loading, JIT and the RocksDB library's start-up would
        // otherwise land on whichever scenario runs first.
        IdentityBench.run(IdentityBench.rocksDb(), definitions, workload.subList(0, events / 4));
        IdentityBench.Measurement baseline =
                IdentityBench.run(IdentityBench.rocksDb(), ProfileSettings.none(), workload);
        IdentityBench.Measurement full =
                IdentityBench.run(IdentityBench.rocksDb(), definitions, workload);
        out.printf(
                "  identity only            %,10.0f events/s  %,6.0f bytes/profile (baseline)%n",
                baseline.eventsPerSecond(), baseline.bytesPerProfile());
        out.printf(
                "  20 traits, 10 audiences  %,10.0f events/s  %,6.0f bytes/profile (%.2f x)%n",
                full.eventsPerSecond(),
                full.bytesPerProfile(),
                full.eventsPerSecond() / baseline.eventsPerSecond());
    }

    private static ProfileSettings benchDefinitions() throws IOException {
        try (InputStream in = ProfileBench.class.getResourceAsStream("/bench-definitions.json")) {
            var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(in);
            List<String> bootstrap = new ArrayList<>();
            root.forEach(d -> bootstrap.add(d.toString()));
            return new ProfileSettings(
                    LiveDefinitions.effective(bootstrap, List.of()),
                    bootstrap,
                    Long.MAX_VALUE,
                    List.of(),
                    ProfileOptions.COALESCE.defaultValue());
        }
    }

    /** Shop events of users known by their user id, spread over 30 days in time order. */
    static List<CustomerEvent> workload(int events, int users) {
        Random random = new Random(7);
        long span = 30L * 24 * 3600 * 1000;
        List<CustomerEvent> workload = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            String name = NAMES[random.nextInt(NAMES.length)];
            String properties =
                    "{\"product_id\":\"p"
                            + random.nextInt(200)
                            + "\",\"category\":\""
                            + CATEGORIES[random.nextInt(CATEGORIES.length)]
                            + "\",\"price\":"
                            + (10 + random.nextInt(90))
                            + ",\"revenue\":"
                            + (20 + random.nextInt(300))
                            + "}";
            workload.add(
                    new CustomerEvent(
                            "m" + i,
                            "track",
                            name,
                            T0.toEpochMilli() + span * i / events,
                            List.of(new Identifier("user_id", "u" + random.nextInt(users))),
                            null,
                            ("{\"type\":\"track\",\"event\":\""
                                    + name
                                    + "\",\"properties\":"
                                    + properties
                                    + "}"),
                            CustomerEvent.DEFAULT_TENANT));
        }
        return workload;
    }
}
