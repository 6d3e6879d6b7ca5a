package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    @Test
    void permitsAreSpacedEvenlyAtTheRate() {
        RateLimiter limiter = new RateLimiter(100); // one every 10 ms
        long t = 1_000_000_000L;

        assertEquals(0, limiter.reserve(t));
        assertEquals(10_000_000, limiter.reserve(t));
        assertEquals(20_000_000, limiter.reserve(t));
        assertEquals(5_000_000, limiter.reserve(t + 25_000_000), "the queue moves on");
        assertEquals(0, limiter.reserve(t + 1_000_000_000L), "idle time is not saved up");
        assertEquals(10_000_000, limiter.reserve(t + 1_000_000_000L));
    }
}
