package io.tessera.tools;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The Flink MiniCluster of the integration tests: one task manager, two slots unless told. */
public final class LocalFlink {
    private LocalFlink() {}

    /** A MiniCluster extension for a test class (register it as a static field). */
    public static MiniClusterExtension miniCluster() {
        return miniCluster(2);
    }

    /** The same with more slots, for a job restored at a higher parallelism. */
    public static MiniClusterExtension miniCluster(int slots) {
        return new MiniClusterExtension(
                new MiniClusterResourceConfiguration.Builder()
                        .setNumberTaskManagers(1)
                        .setNumberSlotsPerTaskManager(slots)
                        .build());
    }
}
