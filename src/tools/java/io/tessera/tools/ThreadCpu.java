package io.tessera.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time of each thread of this process, as Linux counts it ({@code /proc/self/task}): the
 * JIT's compiler threads, the garbage collector and RocksDB's background threads too, which a Java
 * profile does not see. Two readings give what each kind of thread used between them, so a
 * benchmark can say where its CPU per message goes. Threads are grouped by the name the kernel
 * keeps (its first 15 characters), digits folded: "C2 CompilerThre", "rocksdb:low", "Sequence
 * repeat". A thread that ended between the readings is counted in the process's total only.
 */
final class ThreadCpu {
    private static final Path TASKS = Path.of("/proc/self/task");

    /** Clock ticks per second of {@code /proc}'s counters; 100 on every Linux of these years. */
    private static final double TICKS_PER_SECOND = 100.0;

    /** The CPU seconds of each live thread, by thread id, with its name. */
    record Reading(Map<String, Sample> threads) {}

    record Sample(String name, double seconds) {}

    private ThreadCpu() {}

    /** True where the process can read its threads' counters (Linux). */
    static boolean available() {
        return Files.isDirectory(TASKS);
    }

    /** Reads every live thread's CPU time. */
    static Reading read() {
        Map<String, Sample> threads = new HashMap<>();
        try (Stream<Path> tasks = Files.list(TASKS)) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    double seconds = seconds(Files.readString(task.resolve("stat")));
                    threads.put(task.getFileName().toString(), new Sample(name, seconds));
                } catch (FileSystemException ended) {
                    // the thread ended before it was read: the process's total counts it
                } catch (IOException e) {
                    // or while its files were open: reading them fails with ESRCH
                    if (Files.exists(task) && !"No such process".equals(e.getMessage())) {
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the process's threads cannot be read", e);
        }
        return new Reading(threads);
    }

    /**
     * CPU seconds between two readings by kind of thread, largest first: a thread alive at both
     * counts what it used between them, one started since all it used.
     */
    static Map<String, Double> between(Reading before, Reading after) {
        Map<String, Double> byKind = new HashMap<>();
        after.threads()
                .forEach(
                        (tid, now) -> {
                            Sample then = before.threads().get(tid);
                            double used =
                                    then == null || !then.name().equals(now.name())
                                            ? now.seconds()
                                            : now.seconds() - then.seconds();
                            if (used > 0) {
                                byKind.merge(kind(now.name()), used, Double::sum);
                            }
                        });
        Map<String, Double> sorted = new LinkedHashMap<>();
        byKind.entrySet().stream()
                .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    /** A thread's kind: its name with digits folded to one {@code #}. */
    static String kind(String name) {
        return name.replaceAll("[0-9]+", "#");
    }

    /**
     * User plus system time from a {@code stat} line. The name between parentheses may hold spaces
     * and parentheses itself, so fields are counted after its last ')'.
     */
    static double seconds(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // after the name: state (3), ..., utime (14), stime (15); here from index 0 = field 3
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        return ticks / TICKS_PER_SECOND;
    }

    /** The kinds that used most, then the rest in one line; for a report. */
    static Map<String, Double> top(Map<String, Double> byKind, int n) {
        Map<String, Double> top = new LinkedHashMap<>();
        double rest = 0;
        int i = 0;
        for (Map.Entry<String, Double> kind : byKind.entrySet()) {
            if (i++ < n) {
                top.put(kind.getKey(), kind.getValue());
            } else {
                rest += kind.getValue();
            }
        }
        if (rest > 0) {
            top.put("(other threads)", rest);
        }
        return top;
    }

    /** For tests: a reading of given threads. */
    static Reading of(List<String[]> threads) {
        Map<String, Sample> map = new TreeMap<>();
        threads.forEach(t -> map.put(t[0], new Sample(t[1], Double.parseDouble(t[2]))));
        return new Reading(map);
    }
}
