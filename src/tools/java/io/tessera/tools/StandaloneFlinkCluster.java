package io.tessera.tools;

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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;

/**
 * A real Flink standalone session cluster, a jobmanager JVM and one or more taskmanager JVMs,
 * started from Maven artifacts (src/tools/cluster/pom.xml) with flink-conf/ as its configuration,
 * bound to loopback; Flink's own command line client ({@code flink run}, {@code flink stop})
 * against it; and the faults of a machine: a taskmanager killed ({@code kill -9}) and started
 * again, or frozen ({@code kill -STOP}) and thawed.
 */
public final class StandaloneFlinkCluster implements AutoCloseable {
    private static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

    private final Path home;
    private final Path conf;
    private final String classpath;
    private final int restPort;
    private final int metricsPort;
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();
    private List<String> taskManagerResources;
    private int launches;

    /** The taskmanagers killed here, until they are started again. */
    private final Set<Integer> down = new HashSet<>();

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
    public static StandaloneFlinkCluster start(Path home, Map<String, String> settings)
            throws Exception {
        return start(home, settings, 1);
    }

    /** The same with {@code taskManagers} taskmanager JVMs. */
    public static StandaloneFlinkCluster start(
            Path home, Map<String, String> settings, int taskManagers) throws Exception {
        StandaloneFlinkCluster cluster =
                new StandaloneFlinkCluster(
                        home, resolveClasspath(home), freePort(), freePort(taskManagers + 1));
        try {
            cluster.writeConf(settings, taskManagers);
            cluster.jobManager =
                    cluster.launch(
                            "jobmanager",
                            List.of(),
                            "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint",
                            List.of());
            cluster.taskManagerResources = cluster.computeTaskManagerResources();
            for (int i = 0; i < taskManagers; i++) {
                cluster.taskManagers.add(cluster.launchTaskManager(i));
            }
            cluster.awaitTaskManagers(taskManagers, Duration.ofSeconds(90));
            return cluster;
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
    }

    /** How many taskmanager JVMs the cluster was started with. */
    public int taskManagerCount() {
        return taskManagers.size();
    }

    /**
     * Kills taskmanager {@code index} as a lost machine dies ({@code SIGKILL}: no shutdown hook, no
     * goodbye to the jobmanager), and waits until the process is gone.
     */
    public synchronized void killTaskManager(int index) throws InterruptedException {
        down.add(index);
        Process process = taskManagers.get(index);
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("taskmanager " + index + " survived SIGKILL");
        }
    }

    /** Starts taskmanager {@code index} again (a replacement machine), after a kill. */
    public synchronized void restartTaskManager(int index) throws IOException {
        if (taskManagers.get(index).isAlive()) {
            throw new IllegalStateException("taskmanager " + index + " still runs");
        }
        taskManagers.set(index, launchTaskManager(index));
        down.remove(index);
    }

    /**
     * Starts again each taskmanager that exited on its own (not killed here), as Kubernetes starts
     * a pod's container again: a taskmanager stops itself on a fatal error, which Flink may raise
     * while it cleans up after another taskmanager was lost.
     *
     * @return each one started again, with the exit code it ended with
     */
    public synchronized Map<Integer, Integer> restartExited() throws IOException {
        Map<Integer, Integer> restarted = new TreeMap<>();
        for (int i = 0; i < taskManagers.size(); i++) {
            Process process = taskManagers.get(i);
            if (!down.contains(i) && !process.isAlive()) {
                restarted.put(i, process.exitValue());
                taskManagers.set(i, launchTaskManager(i));
            }
        }
        return restarted;
    }

    /** Freezes taskmanager {@code index} ({@code SIGSTOP}), as a long pause or a hung VM does. */
    public void freezeTaskManager(int index) throws Exception {
        signal(taskManagers.get(index), "STOP");
    }

    /** Lets a frozen taskmanager run on ({@code SIGCONT}). */
    public void thawTaskManager(int index) throws Exception {
        signal(taskManagers.get(index), "CONT");
    }

    private static void signal(Process process, String signal) throws Exception {
        Process kill =
                new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IllegalStateException("kill -" + signal + " failed: " + output);
        }
    }

    /** Waits until this many taskmanagers are registered with the jobmanager. */
    public void awaitTaskManagers(int count, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!jobManager.isAlive()) {
                throw new IllegalStateException("the jobmanager exited:\n" + logs());
            }
            try {
                if (get(restUrl() + "/overview").contains("\"taskmanagers\":" + count + ",")) {
                    return;
                }
            } catch (IOException notYet) {
                // the REST endpoint is not up yet; asked again below
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new IllegalStateException(
                "not " + count + " taskmanagers registered in " + timeout + ":\n" + logs());
    }

    /** The REST address, e.g. {@code http://127.0.0.1:8081}. */
    public String restUrl() {
        return "http://127.0.0.1:" + restPort;
    }

    /** The Prometheus reporter's first port (the jobmanager's; the taskmanager takes the next). */
    public int metricsPort() {
        return metricsPort;
    }

    /** Runs Flink's command line client ({@code bin/flink}) and returns what it printed. */
    public String flink(String... args) throws Exception {
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
    public static String get(String url) throws IOException {
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
    public String logs() throws IOException {
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
        List<Process> all = new ArrayList<>(taskManagers);
        if (jobManager != null) {
            all.add(jobManager);
        }
        for (Process process : all) {
            if (process.isAlive()) {
                signal(process, "CONT"); // a frozen JVM cannot run its shutdown
            }
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private void writeConf(Map<String, String> settings, int taskManagers) throws IOException {
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
        all.put("metrics.reporter.prom.port", metricsPort + "-" + (metricsPort + taskManagers));
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
    private List<String> computeTaskManagerResources() throws Exception {
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

    /** Launches taskmanager {@code index}; a restarted one logs to a file of its own. */
    private Process launchTaskManager(int index) throws IOException {
        launches++;
        boolean again = index < taskManagers.size();
        return launch(
                "taskmanager-" + index + (again ? "-launch-" + launches : ""),
                Arrays.asList(taskManagerResources.get(0).trim().split("\\s+")),
                "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
                Arrays.asList(taskManagerResources.get(1).trim().split("\\s+")));
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

    private static List<String> java() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // What flink-conf/ gives every Flink JVM, as the distribution's scripts pass it: the
        // cluster starts only if the file users take as their conf dir has what Java 17 needs.
        String options =
                GlobalConfiguration.loadConfiguration("flink-conf")
                        .get(CoreOptions.FLINK_JVM_OPTIONS)
                        .trim();
        if (options.isEmpty()) {
            throw new IllegalStateException(
                    "flink-conf/config.yaml sets no env.java.opts.all: Flink needs its module"
                            + " opens on Java 17");
        }
        command.addAll(Arrays.asList(options.split("\\s+")));
        return command;
    }

    /** The cluster's classpath from src/tools/cluster/pom.xml, resolved by Maven. */
    private static String resolveClasspath(Path home) throws Exception {
        Path file = home.resolve("flink-cluster.classpath");
        List<String> command =
                List.of(
                        "mvn",
                        "-B",
                        "-q",
                        "-f",
                        "src/tools/cluster/pom.xml",
                        "dependency:build-classpath",
                        "-Dmdep.outputFile=" + file);
        Process maven = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(maven.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!maven.waitFor(5, TimeUnit.MINUTES) || maven.exitValue() != 0) {
            throw new IllegalStateException("the cluster's classpath: " + output);
        }
        return Files.readString(file).trim();
    }

    /**
     * A free port below the kernel's ephemeral range: a port the kernel handed out for {@code
     * bind(0)} can be handed out again, or taken as the local port of an outgoing connection,
     * before the process it is meant for binds it (a jobmanager once failed to start its REST
     * endpoint so).
     */
    private static int freePort() throws IOException {
        int below = ephemeralLow();
        java.util.Random random = new java.util.Random();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 10_000 + random.nextInt(Math.max(1, below - 10_000));
            if (isFree(port)) {
                return port;
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket =
                new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** The first port of the ephemeral range (Linux; 32,768 elsewhere, the lowest default). */
    private static int ephemeralLow() {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        try {
            int low = Integer.parseInt(Files.readString(range).trim().split("\\s+")[0]);
            return low > 11_000 ? low : 32_768;
        } catch (IOException | RuntimeException unreadable) {
            return 32_768;
        }
    }

    /** The first of {@code count} consecutive free ports (the metric reporters' range). */
    private static int freePort(int count) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int first = freePort();
            if (first + count > 65_535) {
                continue;
            }
            boolean free = true;
            for (int port = first + 1; port < first + count && free; port++) {
                free = isFree(port);
            }
            if (free) {
                return first;
            }
        }
        throw new IOException("no " + count + " consecutive free ports");
    }
}
