package io.tessera.tools;

import java.io.PrintStream;
import java.util.List;
import java.util.LongSummaryStatistics;

/** What {@code ./tessera chaos} prints at the end, and its exit status. */
final class ChaosReport {
    private ChaosReport() {}

    /** Prints the report; returns 0 when the faulty run came out as the clean one, else 1. */
    static int print(
            PrintStream out,
            ChaosCommand.Shape shape,
            ChaosRun.Result clean,
            ChaosRun.Result faulty,
            ChaosComparison comparison) {
        out.println();
        out.println("Faults injected:");
        boolean allRecovered = true;
        for (ChaosRun.Injected injected : faulty.injected()) {
            allRecovered &= injected.recoveredIn() != null;
            out.printf(
                    "  at %4d s  %-45s %3d s  %-22s %s%n",
                    injected.at().toSeconds(),
                    injected.fault().kind().description(),
                    injected.fault().length().toSeconds(),
                    injected.recoveredIn() == null
                            ? "NOT recovered"
                            : String.format(
                                    "recovered in %5.1f s",
                                    injected.recoveredIn().toMillis() / 1000.0),
                    injected.note());
        }
        out.println(
                "Events per second the job read and checkpointed, per 10 s while the traffic ran:");
        out.println("  clean   " + rates(clean.samples(), shape));
        out.println("  faults  " + rates(faulty.samples(), shape));
        out.println(
                "Checkpoints (end to end; failed: after the first completed one) and state (the"
                        + " last checkpoint's full size):");
        out.println("  clean   " + checkpoints(clean) + ", " + clean.restarts() + " restarts");
        out.println("  faults  " + checkpoints(faulty) + ", " + faulty.restarts() + " restarts");
        out.println("Outputs:");
        out.println("  clean   " + sizes(clean.outputs()));
        out.println("  faults  " + sizes(faulty.outputs()));
        comparison.examples().forEach(e -> out.println("  " + e));

        String problem = null;
        ChaosOutputs reference = clean.outputs();
        if (!clean.drained() || !faulty.drained()) {
            problem = "a run did not drain";
        } else if (!allRecovered) {
            problem = "a fault was not recovered from";
        } else if (reference.profiles().isEmpty()
                || reference.merges().isEmpty()
                || reference.transitions().isEmpty()
                || reference.edgeUsers().isEmpty()) {
            problem = "the clean run wrote too little to compare with";
        }
        if (problem != null) {
            out.println("  " + problem);
        }
        out.printf(
                "CHAOS faults %d | lost %d | duplicated %d | differing %d | dead letters from"
                        + " faults %d%n",
                faulty.injected().size(),
                comparison.lost(),
                comparison.duplicated(),
                comparison.differing(),
                comparison.deadLettersFromFaults());
        return comparison.same() && problem == null ? 0 : 1;
    }

    private static String rates(List<ChaosRun.Sample> samples, ChaosCommand.Shape shape) {
        LongSummaryStatistics rates = new LongSummaryStatistics();
        ChaosRun.Sample windowStart = null;
        for (ChaosRun.Sample sample : samples) {
            if (sample.at().compareTo(shape.traffic()) > 0) {
                break;
            }
            if (windowStart == null) {
                windowStart = sample;
            } else if (sample.at().minus(windowStart.at()).toSeconds() >= 10) {
                long millis = sample.at().minus(windowStart.at()).toMillis();
                rates.accept((sample.committed() - windowStart.committed()) * 1000 / millis);
                windowStart = sample;
            }
        }
        if (rates.getCount() == 0) {
            return "no samples";
        }
        return String.format(
                "min %4d | avg %4.0f | max %4d events/s",
                rates.getMin(), rates.getAverage(), rates.getMax());
    }

    private static String checkpoints(ChaosRun.Result run) {
        if (run.samples().isEmpty()) {
            return "no samples";
        }
        FlinkRest.Checkpoints last = run.samples().get(run.samples().size() - 1).checkpoints();
        return String.format(
                "%d completed, %d failed, min %d | avg %d | max %d ms, state %.1f MB",
                last.completed(),
                last.failed() - ChaosRun.startupFailures(run.samples()),
                last.minDurationMs(),
                last.avgDurationMs(),
                last.maxDurationMs(),
                last.latestStateBytes() / 1e6);
    }

    private static String sizes(ChaosOutputs outputs) {
        return String.format(
                "%d profiles, %d merges, %d audience transitions, %d + %d dead letters (ingest +"
                        + " activation), %d users in Personalize",
                outputs.profiles().size(),
                total(outputs.merges()),
                total(outputs.transitions()),
                total(outputs.eventDeadLetters()),
                total(outputs.activationDeadLetters()),
                outputs.edgeUsers().size());
    }

    private static long total(java.util.Map<String, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
