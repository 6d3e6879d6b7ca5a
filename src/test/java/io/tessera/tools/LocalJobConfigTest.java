package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.junit.jupiter.api.Test;

/** Local runs (demo, replay, bench) get the memory of a task manager of flink-conf/. */
class LocalJobConfigTest {
    @Test
    void localRunsGiveRocksDbTheManagedMemoryOfAFlinkConfTaskManager() {
        Configuration flinkConf = GlobalConfiguration.loadConfiguration("flink-conf");
        MemorySize deployed =
                TaskExecutorProcessUtils.processSpecFromConfig(flinkConf).getManagedMemorySize();
        MemorySize local =
                LocalJobConfig.create(2, Duration.ofSeconds(10))
                        .get(TaskManagerOptions.MANAGED_MEMORY_SIZE);
        assertEquals(deployed.getMebiBytes(), local.getMebiBytes(), 1, "MiB of managed memory");
    }
}
