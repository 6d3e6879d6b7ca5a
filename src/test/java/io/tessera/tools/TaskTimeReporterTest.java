package io.tessera.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Gauge;
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

    @Test
    void stopsSamplingATaskWhoseMetricsWereRemoved() {
        TaskTimeReporter.reset();
        TaskTimeReporter reporter = new TaskTimeReporter();
        MetricGroup gone = group(Map.of("<task_name>", "baseline", "<subtask_index>", "0"));
        MetricGroup running = group(Map.of("<task_name>", "cluster", "<subtask_index>", "0"));
        Map<String, Gauge<Double>> goneGauges = new java.util.HashMap<>();
        for (String time : TaskTimeReporter.TIMES) {
            Gauge<Double> gauge = () -> 500.0;
            goneGauges.put(time, gauge);
            reporter.notifyOfAddedMetric(gauge, time, gone);
            reporter.notifyOfAddedMetric((Gauge<Double>) () -> 250.0, time, running);
        }
        reporter.report();
        assertEquals(Set.of("baseline", "cluster"), TaskTimeReporter.means().keySet());

        // the job of the first task ended: its metrics are removed, a new run starts
        goneGauges.forEach((time, gauge) -> reporter.notifyOfRemovedMetric(gauge, time, gone));
        TaskTimeReporter.reset();
        reporter.report();

        assertEquals(Set.of("cluster"), TaskTimeReporter.means().keySet());
        assertEquals(250.0, TaskTimeReporter.means().get("cluster")[0]);
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
