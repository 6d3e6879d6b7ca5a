package io.tessera.activation;

import java.io.Serializable;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.OptionalLong;
import java.util.function.LongUnaryOperator;

/**
 * When to try an Edge API call again: every failure but an answer that can never succeed as sent
 * ({@link #permanent}), with exponential backoff and full jitter (a 429 after its {@code
 * Retry-After}), for as long as it fails, or while a retry budget lasts if one is set.
 */
public final class RetryPolicy implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Status of an attempt that got no HTTP answer (timeout, connection error). */
    public static final int NO_RESPONSE = -1;

    private final long initialMillis;
    private final long maxMillis;
    private final long budgetMillis;

    /**
     * @param budget how long a call is retried, or null to retry it for as long as it fails
     */
    public RetryPolicy(Duration initial, Duration max, Duration budget) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.budgetMillis = budget == null ? Long.MAX_VALUE : budget.toMillis();
    }

    /**
     * True for an answer the same request can never turn into a success: a malformed or
     * unprocessable request (400, 413, 414, 415, 422), a project or path the edge does not have
     * (404, 405, 410), a conflict with what the edge holds (409). Anything else (429, 5xx, 408, 401
     * and 403 while credentials are put right, no answer at all) may pass later.
     */
    public static boolean permanent(int status) {
        return switch (status) {
            case 400, 404, 405, 409, 410, 413, 414, 415, 422 -> true;
            default -> false;
        };
    }

    /** True for a status that means the call succeeded. */
    public static boolean succeeded(int status) {
        return status >= 200 && status < 300;
    }

    /** True for an outcome worth another attempt. */
    public static boolean retryable(int status) {
        return !succeeded(status) && !permanent(status);
    }

    /**
     * The delay before the next attempt, or empty when the call must stop here (a permanent
     * failure, or the budget would run out).
     *
     * @param attempts attempts made so far (1 after the first)
     * @param status the last attempt's status, or {@link #NO_RESPONSE}
     * @param retryAfter the last answer's {@code Retry-After} header, or null
     * @param elapsedMillis time since the first attempt began
     * @param nowMillis the wall clock (for a {@code Retry-After} date)
     * @param random draws a uniform value in [0, bound] for a bound (full jitter)
     */
    public OptionalLong nextDelay(
            int attempts,
            int status,
            String retryAfter,
            long elapsedMillis,
            long nowMillis,
            LongUnaryOperator random) {
        if (!retryable(status)) {
            return OptionalLong.empty();
        }
        long ceiling = Math.min(maxMillis, initialMillis << Math.min(attempts - 1, 30));
        long delay = random.applyAsLong(ceiling);
        if (status == 429 && retryAfter != null) {
            long asked = retryAfterMillis(retryAfter, nowMillis);
            if (asked >= 0) {
                delay = asked; // the edge said when: honour it
            }
        }
        if (budgetMillis != Long.MAX_VALUE && elapsedMillis + delay > budgetMillis) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(delay);
    }

    /** A {@code Retry-After} value (seconds or an HTTP date) in ms from now; -1 if unreadable. */
    static long retryAfterMillis(String value, long nowMillis) {
        String trimmed = value.trim();
        try {
            return Math.max(0, Long.parseLong(trimmed) * 1000);
        } catch (NumberFormatException notSeconds) {
            try {
                long at =
                        ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME)
                                .toInstant()
                                .toEpochMilli();
                return Math.max(0, at - nowMillis);
            } catch (DateTimeParseException notADate) {
                return -1;
            }
        }
    }
}
