package io.tessera.activation;

/**
 * A client-side rate limit: permits spaced evenly at a rate, reserved ahead, so a caller learns how
 * long to wait instead of blocking. Thread-safe.
 */
final class RateLimiter {
    private final long intervalNanos;
    private long nextFreeNanos = Long.MIN_VALUE;

    /** A limiter of {@code perSecond} permits per second. */
    RateLimiter(double perSecond) {
        this.intervalNanos = Math.max(1, (long) (1e9 / perSecond));
    }

    /** Reserves a permit and returns how long to wait for it, in nanoseconds (0: go now). */
    synchronized long reserve(long nowNanos) {
        long at = nextFreeNanos == Long.MIN_VALUE ? nowNanos : Math.max(nowNanos, nextFreeNanos);
        nextFreeNanos = at + intervalNanos;
        return at - nowNanos;
    }
}
