package io.tessera.tools;

import io.tessera.identity.IdentityOutputs;
import io.tessera.identity.IdentitySettings;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import io.tessera.profile.ProfileSettings;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.util.OutputTag;

/**
 * {@code ./tessera bench identity}: events per second through the single-mode identity operator on
 * one core (an operator test harness drives it in this thread, no network, no other operators),
 * with RocksDB, merge-free and with 1 % of events merging two profiles; the same merge-free run on
 * the heap state backend is the baseline.
 */
final class IdentityBench {
    static final String USAGE =
            """
            Usage: ./tessera bench identity [--events N] [--users U]

            Drives the single-mode identity operator in this thread (one core) with N generated
            events (default 200000) of U visitors (default 20000), and prints events/s:
              heap, merge-free       the baseline: the same operator on the heap state backend
              RocksDB, merge-free    visitors seen again on their known identifiers
              RocksDB, 1 % merging   1 % of events link two existing profiles
            """;

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");

    private IdentityBench() {}

    static void main(String[] args, PrintStream out) throws Exception {
        CommandLine line = CommandLine.parse(args, Set.of("events", "users"), Set.of());
        int events = line.getInt("events", 200_000);
        int users = line.getInt("users", 20_000);
        out.printf(
                "Identity operator, single mode, one core: %d events of %d visitors%n",
                events, users);
        List<CustomerEvent> mergeFree = workload(events, users, 0.0);
        List<CustomerEvent> merging = workload(events, users, 0.01);
        // A discarded first pass: class loading, JIT and the RocksDB library's start-up would
        // otherwise land on whichever scenario runs first.
        run(rocksDb(), ProfileSettings.none(), mergeFree.subList(0, mergeFree.size() / 4));
        double heap =
                run(new HashMapStateBackend(), ProfileSettings.none(), mergeFree).eventsPerSecond();
        double rocks = run(rocksDb(), ProfileSettings.none(), mergeFree).eventsPerSecond();
        double rocksMerging = run(rocksDb(), ProfileSettings.none(), merging).eventsPerSecond();
        out.printf("  heap, merge-free      %,10.0f events/s  (baseline)%n", heap);
        out.printf(
                "  RocksDB, merge-free   %,10.0f events/s  (%.2f x baseline)%n",
                rocks, rocks / heap);
        out.printf(
                "  RocksDB, 1 %% merging  %,10.0f events/s  (%.2f x baseline)%n",
                rocksMerging, rocksMerging / heap);
    }

    /**
     * Visitors browse on an anonymous id, most also on a device id; each first event of a visitor
     * founds a profile. With {@code mergeRate}, that share of events carries the anonymous ids of
     * two visitors, merging their profiles.
     */
    static List<CustomerEvent> workload(int events, int users, double mergeRate) {
        Random random = new Random(42);
        List<CustomerEvent> workload = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            int user = random.nextInt(users);
            List<Identifier> ids = new ArrayList<>();
            if (user % 4 != 0) {
                ids.add(new Identifier("device_id", "dev-" + user));
            }
            ids.add(new Identifier("anonymous_id", "anon-" + user));
            if (random.nextDouble() < mergeRate) {
                ids.add(new Identifier("anonymous_id", "anon-" + random.nextInt(users)));
            }
            workload.add(
                    new CustomerEvent(
                            "m" + i,
                            "track",
                            "Product Viewed",
                            T0.toEpochMilli() + i * 1000L,
                            ids,
                            null,
                            "{}",
                            CustomerEvent.DEFAULT_TENANT));
        }
        return workload;
    }

    /**
     * RocksDB with the memory a task slot of {@code flink-conf/config.yaml} gets (about 256 MB of
     * managed memory): an operator harness has almost no managed memory, and RocksDB would flush a
     * tiny memtable to disk every few writes.
     */
    static EmbeddedRocksDBStateBackend rocksDb() {
        EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend();
        backend.getMemoryConfiguration().setFixedMemoryPerSlot(MemorySize.parse("256m"));
        return backend;
    }

    /**
     * What one run measured.
     *
     * @param eventsPerSecond throughput after the warm-up
     * @param bytesPerProfile mean serialized size of a profile's state entry at the end (the
     *     RocksDB value; keys and directory entries come on top)
     */
    record Measurement(double eventsPerSecond, double bytesPerProfile) {}

    /** Events per second of one run, after a warm-up of a tenth of the events. */
    static Measurement run(
            StateBackend backend, ProfileSettings profile, List<CustomerEvent> events)
            throws Exception {
        IdentitySettings settings = IdentitySettings.from(new Configuration());
        try (var harness = IdentityOperatorHarness.open(settings, profile, backend, null)) {
            int warmUp = events.size() / 10;
            long start = 0;
            for (int i = 0; i < events.size(); i++) {
                if (i == warmUp) {
                    start = System.nanoTime();
                }
                CustomerEvent event = events.get(i);
                harness.processElement(event, event.eventTime());
                if (i % 1000 == 0) {
                    // The harness keeps every output; drop them so memory stays flat.
                    harness.getOutput().clear();
                    for (OutputTag<?> tag :
                            List.of(
                                    IdentityOutputs.PROFILES,
                                    IdentityOutputs.MERGES,
                                    IdentityOutputs.REJECTED_LINKS,
                                    IdentityOutputs.AUDIENCE_TRANSITIONS)) {
                        var queue = harness.getSideOutput(tag);
                        if (queue != null) {
                            queue.clear();
                        }
                    }
                }
            }
            long nanos = System.nanoTime() - start;
            return new Measurement(
                    (events.size() - warmUp) / (nanos / 1e9), bytesPerProfile(harness));
        }
    }

    private static double bytesPerProfile(
            org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<
                            String,
                            CustomerEvent,
                            io.tessera.definitions.DefinitionUpdate,
                            io.tessera.identity.ResolvedEvent>
                    harness)
            throws Exception {
        KeyedStateBackend<String> state =
                ((AbstractStreamOperator<?>) harness.getOperator()).getKeyedStateBackend();
        state.setCurrentKey(CustomerEvent.DEFAULT_TENANT);
        MapState<String, ProfileState> profiles =
                state.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(
                                "profiles", Types.STRING, TypeInformation.of(ProfileState.class)));
        TypeSerializer<ProfileState> serializer =
                TypeInformation.of(ProfileState.class).createSerializer(new SerializerConfigImpl());
        long bytes = 0;
        long count = 0;
        DataOutputSerializer out = new DataOutputSerializer(4096);
        for (ProfileState profile : profiles.values()) {
            out.clear();
            serializer.serialize(profile, out);
            bytes += out.length();
            count++;
        }
        return count == 0 ? 0 : (double) bytes / count;
    }
}
