package io.tessera.ingest;

import java.time.Instant;
import java.time.LocalDate;

/**
 * A fast reader of the date-times nearly every message carries, {@code 2025-03-01T08:00:00.123Z} or
 * with an offset ({@code +01:00}, {@code +0100}): digits read in place, no formatter. Anything else
 * it leaves to {@link EventTimeResolver}'s ISO-8601 formatter, which stays the definition: for
 * every text this reads, the formatter reads the same instant ({@code IsoTimesTest}).
 */
final class IsoTimes {
    private IsoTimes() {}

    /**
     * The instant of {@code yyyy-MM-ddTHH:mm[:ss[.f...]]} followed by {@code Z}, {@code ±HH:MM} or
     * {@code ±HHMM}, with a four-digit year and fields in range; null for any other text.
     */
    static Instant parse(String text) {
        int n = text.length();
        if (n < 17
                || text.charAt(4) != '-'
                || text.charAt(7) != '-'
                || text.charAt(10) != 'T'
                || text.charAt(13) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        if (year < 0
                || month < 1
                || month > 12
                || day < 1
                || hour < 0
                || hour > 23
                || minute < 0
                || minute > 59) {
            return null;
        }
        int at = 16;
        int second = 0;
        int nanos = 0;
        if (at < n && text.charAt(at) == ':') {
            second = digits(text, at + 1, 2);
            if (second < 0 || second > 59) {
                return null;
            }
            at += 3;
            if (at < n && text.charAt(at) == '.') {
                int start = ++at;
                while (at < n && at - start < 10 && isDigit(text.charAt(at))) {
                    at++;
                }
                int length = at - start;
                if (length < 1 || length > 9) {
                    return null;
                }
                nanos = digits(text, start, length);
                for (int i = length; i < 9; i++) {
                    nanos *= 10;
                }
            }
        }
        int offset = offsetSeconds(text, at);
        if (offset == Integer.MIN_VALUE) {
            return null;
        }
        LocalDate date = LocalDate.of(year, month, 1);
        if (day > date.lengthOfMonth()) {
            return null;
        }
        long seconds =
                (date.toEpochDay() + day - 1) * 86_400L
                        + hour * 3_600L
                        + minute * 60L
                        + second
                        - offset;
        return Instant.ofEpochSecond(seconds, nanos);
    }

    /** The offset from {@code at} to the end: Z, ±HH:MM or ±HHMM; MIN_VALUE if it is not one. */
    private static int offsetSeconds(String text, int at) {
        int rest = text.length() - at;
        if (rest == 1 && text.charAt(at) == 'Z') {
            return 0;
        }
        if (rest != 6 && rest != 5) {
            return Integer.MIN_VALUE;
        }
        char sign = text.charAt(at);
        if (sign != '+' && sign != '-') {
            return Integer.MIN_VALUE;
        }
        int hours = digits(text, at + 1, 2);
        int minutesAt = at + 3;
        if (rest == 6) {
            if (text.charAt(at + 3) != ':') {
                return Integer.MIN_VALUE;
            }
            minutesAt++;
        }
        int minutes = digits(text, minutesAt, 2);
        if (hours < 0 || hours > 17 || minutes < 0 || minutes > 59) {
            return Integer.MIN_VALUE;
        }
        int seconds = hours * 3_600 + minutes * 60;
        return sign == '-' ? -seconds : seconds;
    }

    /** The number written by {@code count} digits from {@code from}, or -1. */
    private static int digits(String text, int from, int count) {
        if (from + count > text.length()) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
