package io.tessera.simulator;

import java.time.Duration;
import java.util.Random;

/**
 * Faults the simulator injects on demand: latency (for every call or the next N), a fraction of 429
 * answers with {@code Retry-After}, 503 for a period or for the next N calls, 429 for the next N
 * calls, and connection resets. Thread-safe; counted calls are taken in arrival order.
 */
public final class Faults {
    /** What to do with one call. */
    enum Action {
        SERVE,
        UNAVAILABLE,
        TOO_MANY,
        RESET
    }

    private final Random random = new Random(7);
    private long latencyMillis;
    private double tooManyFraction;
    private int retryAfterSeconds = 1;
    private long unavailableUntilMillis;
    private int unavailableNext;
    private int tooManyNext;
    private int resetNext;
    private int slowNext;
    private long slowMillis;

    /** Every call waits this long before it is answered. */
    public synchronized Faults latency(Duration latency) {
        this.latencyMillis = latency.toMillis();
        return this;
    }

    /** This fraction of calls (0..1) gets 429 with the given Retry-After. */
    public synchronized Faults tooManyFraction(double fraction, int retryAfterSeconds) {
        this.tooManyFraction = fraction;
        this.retryAfterSeconds = retryAfterSeconds;
        return this;
    }

    /** Calls get 503 for this long from now. */
    public synchronized Faults unavailableFor(Duration period) {
        this.unavailableUntilMillis = System.currentTimeMillis() + period.toMillis();
        return this;
    }

    /** The next {@code calls} calls get 503. */
    public synchronized Faults unavailableNext(int calls) {
        this.unavailableNext = calls;
        return this;
    }

    /** The next {@code calls} calls get 429 with the given Retry-After (seconds, may be 0). */
    public synchronized Faults tooManyNext(int calls, int retryAfterSeconds) {
        this.tooManyNext = calls;
        this.retryAfterSeconds = retryAfterSeconds;
        return this;
    }

    /** The next {@code calls} connections are closed without an answer. */
    public synchronized Faults resetNext(int calls) {
        this.resetNext = calls;
        return this;
    }

    /** The next {@code calls} calls are answered only after {@code delay} (for timeouts). */
    public synchronized Faults slowNext(int calls, Duration delay) {
        this.slowNext = calls;
        this.slowMillis = delay.toMillis();
        return this;
    }

    /** No more faults. */
    public synchronized Faults clear() {
        latencyMillis = 0;
        tooManyFraction = 0;
        unavailableUntilMillis = 0;
        unavailableNext = 0;
        tooManyNext = 0;
        resetNext = 0;
        slowNext = 0;
        return this;
    }

    /** Whether a call may be made to wait (a latency or slow calls are set): nothing is taken. */
    synchronized boolean mayDelay() {
        return latencyMillis > 0 || (slowNext > 0 && slowMillis > 0);
    }

    /** How long the next call waits before it is answered. */
    synchronized long latencyMillis() {
        if (slowNext > 0) {
            slowNext--;
            return Math.max(latencyMillis, slowMillis);
        }
        return latencyMillis;
    }

    synchronized int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** Decides the fate of the next call (503 counted first, then 429, then resets). */
    synchronized Action next() {
        if (unavailableNext > 0) {
            unavailableNext--;
            return Action.UNAVAILABLE;
        }
        if (System.currentTimeMillis() < unavailableUntilMillis) {
            return Action.UNAVAILABLE;
        }
        if (tooManyNext > 0) {
            tooManyNext--;
            return Action.TOO_MANY;
        }
        if (resetNext > 0) {
            resetNext--;
            return Action.RESET;
        }
        if (tooManyFraction > 0 && random.nextDouble() < tooManyFraction) {
            return Action.TOO_MANY;
        }
        return Action.SERVE;
    }
}
