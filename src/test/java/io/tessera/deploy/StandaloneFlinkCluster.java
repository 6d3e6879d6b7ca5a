package io.tessera.deploy;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * A real Flink standalone session cluster of two JVMs, a jobmanager and a taskmanager, started from
 * Maven artifacts (src/test/cluster/pom.xml) with flink-conf/ as its configuration, bound to
 * loopback; and Flink's own command line client ({@code flink run}, {@code flink stop}) against it.
 */
final class StandaloneFlinkCluster implements AutoCloseable {
    /** The module opens of the distribution's default {@code env.java.opts.all}. */
    private static final List<String> JAVA_OPENS =
            List.of(
                    "-XX:+IgnoreUnrecognizedVMOptions",
                    "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
                    "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
                    "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang=ALL-UNNAMED",
                    "--add-opens=java.base/java.net=ALL-UNNAMED",
                    "--add-opens=java.base/java.io=ALL-UNNAMED",
                    "--add-opens=java.base/java.nio=ALL-UNNAMED",
                    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
                    "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
                    "--add-opens=java.base/java.text=ALL-UNNAMED",
                    "--add-opens=java.base/java.time=ALL-UNNAMED",
                    "--add-opens=java.base/java.util=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
                    "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private final Path home;
    private final Path conf;
    private final String classpath;
    private final int restPort;
    private final int metricsPort;
    private final List<Process> processes = new ArrayList<>();

    private StandaloneFlinkCluster(Path home, String classpath, int restPort, int metricsPort) {
        this.home = home;
        this.conf = home.resolve("conf");
        this.classpath = classpath;
        this.restPort = restPort;
        this.metricsPort = metricsPort;
    }

    /**
     * Starts the cluster in {@code home} with flink-conf/config.yaml, changed only where a test
     * machine needs it: loopback addresses, free ports, directories under {@code home}, and the
     * given settings.
     */
    static StandaloneFlinkCluster start(Path home, Map<String, String> settings) throws Exception {
        StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(home, resolveClasspath(home), freePort(), freePort());
        cluster.writeConf(settings);
        cluster.processes.add(
                cluster.launch(
                        "jobmanager",
                        List.of(),
                        "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                        List.of()));
        List<String> resources = cluster.taskManagerResources();
        cluster.processes.add(
                cluster.launch(
                        "taskmanager",
                        Arrays.asList(resources.get(0).trim().split("\\s+")),
                        "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                        Arrays.asList(resources.get(1).trim().split("\\s+"))));
        cluster.awaitTaskManager(Duration.ofSeconds(90));
        return cluster;
    }

    /** The REST address, e.g. {@code http://127.0.0.1:8081}. */
    String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The Prometheus reporter's first port (the jobmanager's; the taskmanager takes the next). */
    int metricsPort() {
        return metricsPort;
    }

    /** Runs Flink's command line client ({@code bin/flink}) and returns what it printed. */
    String flink(String... args) throws Exception {
        List<String> command = new ArrayList<>(java());
        command.add("-Dlog.file=" + home.resolve("log/flink-client.log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j-cli.properties").toUri());
        command.addAll(List.of("-cp", classpath, "org.apache.flink.client.cli.CliFrontend"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("FLINK_CONF_DIR", conf.toString());
        Process client = builder.start();
        String output = new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!client.waitFor(3, TimeUnit.MINUTES) || client.exitValue() != 0) {
            throw new IllegalStateException(
                    "flink " + String.join(" ", args) + " failed:\n" + output);
        }
        return output;
    }

    /** A GET on a local address; the body, or an exception with the status. */
    static String get(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(10_000);
        try {
            if (connection.getResponseCode() != 200) {
                throw new IOException(url + " answered " + connection.getResponseCode());
            }
            return new String(connection.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    /** The tail of the cluster's logs, for a failure message. */
    String logs() throws IOException {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(home.resolve("log"))) {
            for (Path file : files.sorted().toList()) {
                List<String> lines = Files.readAllLines(file);
                out.append("== ").append(file.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> out.append(l).append('\n'));
            }
        }
        return out.toString();
    }

    @Override
    public void close() throws Exception {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Process process = processes.get(i);
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void writeConf(Map<String, String> settings) throws IOException {
        Files.createDirectories(conf);
        Files.createDirectories(home.resolve("log"));
        Configuration base = GlobalConfiguration.loadConfiguration("flink-conf");
        Map<String, String> all = new LinkedHashMap<>(base.toMap());
        all.put("jobmanager.rpc.address", "127.0.0.1");
        all.put("jobmanager.rpc.port", String.valueOf(freePort()));
        all.put("jobmanager.bind-host", "127.0.0.1");
        all.put("taskmanager.bind-host", "127.0.0.1");
        all.put("taskmanager.host", "127.0.0.1");
        all.put("rest.address", "127.0.0.1");
        all.put("rest.bind-address", "127.0.0.1");
        all.put("rest.port", String.valueOf(restPort));
        all.put("metrics.reporter.prom.port", metricsPort + "-" + (metricsPort + 1));
        all.put("execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        all.put(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        all.put("io.tmp.dirs", home.resolve("tmp").toString());
        all.putAll(settings);
        StringBuilder yaml = new StringBuilder();
        all.forEach(
                (key, value) -> yaml.append(key).append(": ").append(quote(value)).append('\n'));
        Files.writeString(conf.resolve("config.yaml"), yaml);
        for (String file : List.of("log4j.properties", "log4j-cli.properties")) {
            Files.copy(Path.of("flink-conf", file), conf.resolve(file));
        }
    }

    private static String quote(String value) {
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    /** The taskmanager's memory flags and dynamic settings, computed as the start scripts do. */
    private List<String> taskManagerResources() throws Exception {
        List<String> command = new ArrayList<>(java());
        command.addAll(
                List.of(
                        "-cp",
                        classpath,
                        "org.apache.flink.runtime.util.bash.BashJavaUtils",
                        "GET_TM_RESOURCE_PARAMS",
                        "--configDir",
                        conf.toString()));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor(1, TimeUnit.MINUTES);
        List<String> results =
                output.lines()
                        .filter(l -> l.startsWith(RESULT_PREFIX))
                        .map(l -> l.substring(RESULT_PREFIX.length()))
                        .toList();
        if (results.size() != 2) {
            throw new IllegalStateException("taskmanager resources not computed:\n" + output);
        }
        return results;
    }

    private Process launch(String name, List<String> jvmFlags, String main, List<String> extra)
            throws IOException {
        List<String> command = new ArrayList<>(java());
        command.addAll(jvmFlags);
        command.add("-Dlog.file=" + home.resolve("log/flink-" + name + ".log"));
        command.add("-Dlog4j.configurationFile=" + conf.resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath, main, "--configDir", conf.toString()));
        command.addAll(extra);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(home.resolve("log/flink-" + name + ".out").toFile())
                .start();
    }

    private void awaitTaskManager(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (Process process : processes) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("a cluster process exited:\n" + logs());
                }
            }
            try {
                if (get(restUrl() + "/overview").contains("\"taskmanagers\":1")) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet; asked again below
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException("no taskmanager registered in " + timeout + ":\n" + logs());
    }

    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JAVA_OPENS);
        return command;
    }

    /** The cluster's classpath from src/test/cluster/pom.xml, resolved by Maven. */
    private static String resolveClasspath(Path home) throws Exception {
        Path file = home.resolve("flink-cluster.classpath");
        List<String> command =
                List.of(
                        "mvn",
                        "-B",
                        "-q",
                        "-f",
                        "src/test/cluster/pom.xml",
                        "dependency:build-classpath",
                        "-Dmdep.outputFile=" + file);
        Process maven = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!maven.waitFor(5, TimeUnit.MINUTES) || maven.exitValue() != 0) {
            throw new IllegalStateException("the cluster's classpath: " + output);
        }
        return Files.readString(file).trim();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
