package io.tessera.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a Flink cluster's REST API tells about one job: its state, checkpoints and gauges. */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The job's checkpoints so far.
     *
     * @param completed how many completed (over every attempt of the job)
     * @param failed how many failed or expired
     * @param latestTriggeredAt when the latest completed one was triggered (epoch ms; 0 if none)
     * @param latestDurationMs its end-to-end duration
     * @param latestStateBytes its full state size
     * @param minDurationMs the shortest end-to-end duration of a completed one
     * @param avgDurationMs their average
     * @param maxDurationMs the longest
     */
    record Checkpoints(
            long completed,
            long failed,
            long latestTriggeredAt,
            long latestDurationMs,
            long latestStateBytes,
            long minDurationMs,
            long avgDurationMs,
            long maxDurationMs) {}

    private final String url;
    private final String jobId;

    FlinkRest(String url, String jobId) {
        this.url = url;
        this.jobId = jobId;
    }

    /** Whether the job and every one of its tasks run. */
    boolean allRunning() throws IOException {
        JsonNode job = read("/jobs/" + jobId);
        if (!"RUNNING".equals(job.path("state").asText())) {
            return false;
        }
        for (JsonNode vertex : job.path("vertices")) {
            if (!"RUNNING".equals(vertex.path("status").asText())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The job's details as the REST API gives them (vertices with their records in and out since
     * the current attempt started, and their subtasks' input watermarks), for a closer look after a
     * run.
     */
    String details() throws IOException {
        JsonNode job = read("/jobs/" + jobId);
        // Each vertex with its subtasks' input watermarks, to tell later which input held one.
        for (JsonNode vertex : job.path("vertices")) {
            if (vertex instanceof com.fasterxml.jackson.databind.node.ObjectNode fields) {
                fields.set(
                        "watermarks",
                        read(
                                "/jobs/"
                                        + jobId
                                        + "/vertices/"
                                        + vertex.path("id").asText()
                                        + "/watermarks"));
            }
        }
        return job.toPrettyString();
    }

    /** How many times the job failed and restarted: the failures in its exception history. */
    long restarts() throws IOException {
        return read("/jobs/" + jobId + "/exceptions?maxExceptions=1000")
                .path("exceptionHistory")
                .path("entries")
                .size();
    }

    /** The job's checkpoint statistics. */
    Checkpoints checkpoints() throws IOException {
        JsonNode stats = read("/jobs/" + jobId + "/checkpoints");
        JsonNode latest = stats.path("latest").path("completed");
        JsonNode durations = stats.path("summary").path("end_to_end_duration");
        return new Checkpoints(
                stats.path("counts").path("completed").asLong(),
                stats.path("counts").path("failed").asLong(),
                latest.path("trigger_timestamp").asLong(),
                latest.path("end_to_end_duration").asLong(),
                latest.path("state_size").asLong(),
                durations.path("min").asLong(),
                durations.path("avg").asLong(),
                durations.path("max").asLong());
    }

    /**
     * The sum over every subtask of an operator metric, e.g. {@code activation.parkedNow}; 0 when
     * no operator reports it (yet).
     */
    long sumOfMetric(String suffix) throws IOException {
        long sum = 0;
        for (JsonNode vertex : read("/jobs/" + jobId).path("vertices")) {
            String base = "/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/metrics";
            List<String> ids = new ArrayList<>();
            for (JsonNode metric : read(base)) {
                String id = metric.path("id").asText();
                if (id.endsWith("." + suffix)) {
                    ids.add(id);
                }
            }
            if (ids.isEmpty()) {
                continue;
            }
            String query =
                    URLEncoder.encode(String.join(",", ids), StandardCharsets.UTF_8)
                            .replace("%2C", ",");
            for (JsonNode value : read(base + "?get=" + query)) {
                sum += (long) value.path("value").asDouble();
            }
        }
        return sum;
    }

    /**
     * The state of each task (a chain of operators, named by its first) in the latest completed
     * checkpoint, largest first; empty before the first one.
     */
    LinkedHashMap<String, Long> stateByTask() throws IOException {
        JsonNode latest = read("/jobs/" + jobId + "/checkpoints").path("latest").path("completed");
        LinkedHashMap<String, Long> byTask = new LinkedHashMap<>();
        if (latest.isMissingNode() || latest.isNull()) {
            return byTask;
        }
        Map<String, String> names = new HashMap<>();
        for (JsonNode vertex : read("/jobs/" + jobId).path("vertices")) {
            String name = vertex.path("name").asText();
            int chained = name.indexOf(" -> ");
            names.put(vertex.path("id").asText(), chained < 0 ? name : name.substring(0, chained));
        }
        JsonNode tasks =
                read("/jobs/" + jobId + "/checkpoints/details/" + latest.path("id").asText())
                        .path("tasks");
        Map<String, Long> sizes = new HashMap<>();
        tasks.fields()
                .forEachRemaining(
                        task ->
                                sizes.merge(
                                        names.getOrDefault(task.getKey(), task.getKey()),
                                        task.getValue().path("state_size").asLong(),
                                        Long::sum));
        sizes.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> byTask.put(e.getKey(), e.getValue()));
        return byTask;
    }

    private JsonNode read(String path) throws IOException {
        return JSON.readTree(StandaloneFlinkCluster.get(url + path));
    }
}
