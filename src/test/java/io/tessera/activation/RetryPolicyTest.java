package io.tessera.activation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy =
            new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1));

    @Test
    void backoffDoublesUpToTheCapWithFullJitter() {
        // the jitter draws the bound itself: the ceiling of each attempt shows
        assertEquals(OptionalLong.of(100), policy.nextDelay(1, 503, null, 0, 0, bound -> bound));
        assertEquals(OptionalLong.of(200), policy.nextDelay(2, 503, null, 0, 0, bound -> bound));
        assertEquals(OptionalLong.of(400), policy.nextDelay(3, -1, null, 0, 0, bound -> bound));
        assertEquals(OptionalLong.of(5000), policy.nextDelay(20, 500, null, 0, 0, bound -> bound));
        assertEquals(OptionalLong.of(5000), policy.nextDelay(90, 500, null, 0, 0, bound -> bound));
        assertEquals(OptionalLong.of(0), policy.nextDelay(3, 503, null, 0, 0, bound -> 0));
    }

    @Test
    void a429WaitsWhatRetryAfterSays() {
        assertEquals(OptionalLong.of(7000), policy.nextDelay(1, 429, "7", 0, 0, bound -> bound));
        long now = 1_700_000_000_000L;
        assertEquals(
                OptionalLong.of(3000),
                policy.nextDelay(1, 429, "Tue, 14 Nov 2023 22:13:23 GMT", 0, now, bound -> bound));
        assertEquals(
                OptionalLong.of(100),
                policy.nextDelay(1, 429, "soon", 0, 0, bound -> bound),
                "an unreadable Retry-After falls back to the backoff");
    }

    @Test
    void onlyAnswersThatCanNeverSucceedAreNotRetried() {
        for (int status : new int[] {400, 404, 405, 409, 410, 413, 414, 415, 422}) {
            assertTrue(policy.nextDelay(1, status, null, 0, 0, b -> b).isEmpty(), "" + status);
        }
        for (int status : new int[] {401, 403, 408, 425, 429, 500, 502, 503, 504, -1}) {
            assertTrue(policy.nextDelay(1, status, null, 0, 0, b -> b).isPresent(), "" + status);
        }
    }

    @Test
    void withoutABudgetAFailureIsRetriedForAsLongAsItLasts() {
        RetryPolicy forever = new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(30), null);
        long aWeek = Duration.ofDays(7).toMillis();
        assertEquals(
                OptionalLong.of(30_000), forever.nextDelay(5_000, 503, null, aWeek, 0, b -> b));
        assertEquals(OptionalLong.of(120_000), forever.nextDelay(9, 429, "120", aWeek, 0, b -> b));
        assertTrue(forever.nextDelay(9, 400, null, 0, 0, b -> b).isEmpty());
    }

    @Test
    void theBudgetEndsRetries() {
        assertTrue(policy.nextDelay(5, 503, null, 60_000, 0, bound -> 1).isEmpty());
        assertEquals(OptionalLong.of(1), policy.nextDelay(5, 503, null, 59_999, 0, bound -> 1));
        assertTrue(policy.nextDelay(1, 429, "120", 0, 0, bound -> bound).isEmpty());
    }
}
