package io.tessera.tools;

import java.util.ArrayList;
import java.util.List;

/**
 * A count that grows during a bench run, sampled over time. It tells how long the whole run took
 * (first increase to last) and how fast the count grew through the bulk of the run, between two
 * fractions of its final value: the start of a job and the drain at its end (in distributed mode,
 * merges waiting for loop commits) fall outside that window.
 */
final class Progress {
    private final List<long[]> increases = new ArrayList<>(); // {nanos, count}

    /** Records the count seen at a time; only increases are kept. */
    void record(long nanos, long count) {
        if (count > total()) {
            increases.add(new long[] {nanos, count});
        }
    }

    long total() {
        return increases.isEmpty() ? 0 : increases.get(increases.size() - 1)[1];
    }

    /** Seconds from the first increase to the last (at least a millisecond). */
    double seconds() {
        if (increases.isEmpty()) {
            return 1e-3;
        }
        return Math.max(1e-3, (last()[0] - increases.get(0)[0]) / 1e9);
    }

    /**
     * The rate through the bulk: {@code (to - from) * units} over the seconds the count took to
     * grow from the fraction {@code from} of its final value to the fraction {@code to}, where
     * {@code units} is what the whole count stands for (the input messages of a run whose outputs
     * are counted).
     */
    double rateBetween(double from, double to, double units) {
        if (!(0 <= from && from < to && to <= 1)) {
            throw new IllegalArgumentException("need 0 <= from < to <= 1: " + from + ", " + to);
        }
        if (increases.isEmpty()) {
            return 0;
        }
        double seconds = Math.max(1e-3, (reached(to) - reached(from)) / 1e9);
        return (to - from) * units / seconds;
    }

    /**
     * Seconds from the first increase until the count first reached the fraction of its final
     * value: how the outputs came over the run (a long way from 0.9 to 1 is a drain at the end).
     */
    double secondsTo(double fraction) {
        if (increases.isEmpty()) {
            return 0;
        }
        return (reached(fraction) - increases.get(0)[0]) / 1e9;
    }

    /** When the count first reached the fraction of its final value. */
    private long reached(double fraction) {
        double target = fraction * total();
        for (long[] increase : increases) {
            if (increase[1] >= target) {
                return increase[0];
            }
        }
        return last()[0];
    }

    private long[] last() {
        return increases.get(increases.size() - 1);
    }
}
