package io.tessera.tools;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.metrics.reporter.Scheduled;

/**
 * A metric reporter for local runs: samples each task's busy, back-pressured and idle time per
 * second, so a benchmark can say where a pipeline spends its time (the local runs have no web UI).
 * The samples live in this JVM, where the MiniCluster runs.
 */
public final class TaskTimeReporter implements MetricReporter, Scheduled {
    /** The task metrics sampled: busy, back-pressured and idle ms per second. */
    static final String[] TIMES = {
        "busyTimeMsPerSecond", "backPressuredTimeMsPerSecond", "idleTimeMsPerSecond"
    };

    /** Sums of the samples, by task and time kind; and the number of samples, by task. */
    private static final Map<String, double[]> SUMS = new ConcurrentHashMap<>();

    private final Map<String, Gauge<?>[]> gauges = new ConcurrentHashMap<>();

    /** The sequence operators' counters of events late for them, of the run. */
    private static final List<Counter> LATE = new CopyOnWriteArrayList<>();

    /** The identity protocol's counters the bench prints ({@link #identityCounts}), by name. */
    static final List<String> IDENTITY_COUNTERS =
            List.of("eventsRoutedAgain", "heldForPlacement", "merges", "eventsHeldForOrder");

    private static final Map<String, List<Counter>> IDENTITY = new ConcurrentHashMap<>();

    /** Each task's counters of the records its subtasks took in, by task name. */
    private static final Map<String, List<Counter>> RECORDS_IN = new ConcurrentHashMap<>();

    /** The reporter's factory, named in the configuration. */
    public static final class Factory implements MetricReporterFactory {
        @Override
        public MetricReporter createMetricReporter(Properties properties) {
            return new TaskTimeReporter();
        }
    }

    /** The configuration that turns the reporter on, every second. */
    public static Map<String, String> configuration() {
        return Map.of(
                "metrics.reporter.tasktime.factory.class",
                Factory.class.getName(),
                "metrics.reporter.tasktime.interval",
                "1 s");
    }

    /** Forgets the samples (before a new run). */
    public static void reset() {
        SUMS.clear();
        LATE.clear();
        IDENTITY.clear();
        RECORDS_IN.clear();
    }

    /**
     * The records each task took in so far (its subtasks summed), by task name: the work a run gave
     * each task, which unlike its time does not vary with the machine.
     */
    public static Map<String, Long> recordsIn() {
        Map<String, Long> records = new TreeMap<>();
        RECORDS_IN.forEach(
                (task, counters) ->
                        records.put(task, counters.stream().mapToLong(Counter::getCount).sum()));
        return records;
    }

    /** Events that reached a sequence operator behind its watermark in the run (not matched). */
    public static long lateForSequences() {
        return LATE.stream().mapToLong(Counter::getCount).sum();
    }

    /**
     * The identity protocol's counts of the run ({@link #IDENTITY_COUNTERS}, subtasks summed), by
     * name, in that order; those no operator registered (single mode's) are left out.
     */
    public static Map<String, Long> identityCounts() {
        Map<String, Long> counts = new java.util.LinkedHashMap<>();
        for (String name : IDENTITY_COUNTERS) {
            List<Counter> counters = IDENTITY.get(name);
            if (counters != null) {
                counts.put(name, counters.stream().mapToLong(Counter::getCount).sum());
            }
        }
        return counts;
    }

    /**
     * Mean busy, back-pressured and idle ms per second of each task (subtasks averaged), by task
     * name.
     */
    public static Map<String, double[]> means() {
        Map<String, double[]> means = new TreeMap<>();
        SUMS.forEach(
                (task, sum) -> {
                    double n = Math.max(1, sum[TIMES.length]);
                    means.put(task, new double[] {sum[0] / n, sum[1] / n, sum[2] / n});
                });
        return means;
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if ("lateEvents".equals(name)
                && metric instanceof Counter counter
                && group.getMetricIdentifier(name).contains(".sequences.")) {
            LATE.add(counter);
        }
        if (IDENTITY_COUNTERS.contains(name)
                && metric instanceof Counter counter
                && group.getMetricIdentifier(name).contains(".identity.")) {
            IDENTITY.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(counter);
        }
        Map<String, String> variables = group.getAllVariables();
        if ("numRecordsIn".equals(name)
                && metric instanceof Counter counter
                && !variables.containsKey("<operator_name>")) {
            RECORDS_IN
                    .computeIfAbsent(
                            variables.getOrDefault("<task_name>", "?"),
                            t -> new CopyOnWriteArrayList<>())
                    .add(counter);
        }
        for (int i = 0; i < TIMES.length; i++) {
            if (TIMES[i].equals(name) && metric instanceof Gauge<?> gauge) {
                gauges.computeIfAbsent(taskOf(group), t -> new Gauge<?>[TIMES.length])[i] = gauge;
            }
        }
    }

    /**
     * A task that ended is no longer sampled: the benchmark runs its jobs one after the other on
     * one cluster, whose reporter would otherwise go on reading the last values of a job gone.
     */
    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        for (int i = 0; i < TIMES.length; i++) {
            if (TIMES[i].equals(name)) {
                Gauge<?>[] values = gauges.get(taskOf(group));
                if (values != null && values[i] == metric) {
                    values[i] = null;
                }
            }
        }
    }

    /** The task and subtask a metric group belongs to. */
    private static String taskOf(MetricGroup group) {
        return group.getAllVariables().getOrDefault("<task_name>", "?")
                + "#"
                + group.getAllVariables().getOrDefault("<subtask_index>", "0");
    }

    @Override
    public void report() {
        gauges.forEach(
                (task, values) -> {
                    if (values[0] == null || values[1] == null || values[2] == null) {
                        return;
                    }
                    double[] sample = new double[TIMES.length];
                    for (int i = 0; i < TIMES.length; i++) {
                        sample[i] = ((Number) values[i].getValue()).doubleValue();
                        if (Double.isNaN(sample[i])) {
                            return; // not measured yet (a task still starting)
                        }
                    }
                    String name = task.substring(0, task.lastIndexOf('#'));
                    double[] sum = SUMS.computeIfAbsent(name, t -> new double[TIMES.length + 1]);
                    synchronized (sum) {
                        for (int i = 0; i < TIMES.length; i++) {
                            sum[i] += sample[i];
                        }
                        sum[TIMES.length]++;
                    }
                });
    }
}
