package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** The bench's reporter: what each task took in, summed over its subtasks. */
class TaskTimeReporterTest {
    @Test
    void sumsTheRecordsATasksSubtasksTookInAndLeavesItsOperatorsOut() {
        TaskTimeReporter.reset();
        TaskTimeReporter reporter = new TaskTimeReporter();
        SimpleCounter first = new SimpleCounter();
        SimpleCounter second = new SimpleCounter();
        SimpleCounter operator = new SimpleCounter();
        reporter.notifyOfAddedMetric(
                first, "numRecordsIn", group(Map.of("<task_name>", "cluster")));
        reporter.notifyOfAddedMetric(
                second, "numRecordsIn", group(Map.of("<task_name>", "cluster")));
        reporter.notifyOfAddedMetric(
                operator,
                "numRecordsIn",
                group(Map.of("<task_name>", "cluster", "<operator_name>", "counter")));
        first.inc(3);
        second.inc(4);
        operator.inc(100);

        assertEquals(Map.of("cluster", 7L), TaskTimeReporter.recordsIn());

        TaskTimeReporter.reset();
        assertEquals(Map.of(), TaskTimeReporter.recordsIn(), "a new run starts from nothing");
    }

    private static MetricGroup group(Map<String, String> variables) {
        return new UnregisteredMetricsGroup() {
            @Override
            public Map<String, String> getAllVariables() {
                return variables;
            }
        };
    }
}
