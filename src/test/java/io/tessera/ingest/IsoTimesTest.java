package io.tessera.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/** The fast reader agrees with the ISO-8601 formatter, which stays the definition. */
class IsoTimesTest {
    /** What the formatter makes of a text: an instant, or null where it refuses it. */
    private static Instant formatter(String text) {
        try {
            return OffsetDateTime.parse(text, EventTimeResolver.ISO_WITH_OFFSET).toInstant();
        } catch (DateTimeParseException refused) {
            return null;
        }
    }

    @Property(tries = 2000)
    void readsEveryCommonDateTimeAsTheFormatterDoes(
            @ForAll @LongRange(min = 946_684_800L, max = 4_102_444_800L) long epochSecond,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll @IntRange(min = -1, max = 9) int fractionDigits,
            @ForAll @IntRange(min = -17 * 60, max = 17 * 60) int offsetMinutes,
            @ForAll @IntRange(min = 0, max = 2) int offsetStyle) {
        ZoneOffset offset = ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
        OffsetDateTime time = Instant.ofEpochSecond(epochSecond, nanos).atOffset(offset);
        String pattern =
                switch (fractionDigits) {
                    case -1 -> "yyyy-MM-dd'T'HH:mm";
                    case 0 -> "yyyy-MM-dd'T'HH:mm:ss";
                    default -> "yyyy-MM-dd'T'HH:mm:ss." + "S".repeat(fractionDigits);
                };
        String offsetText =
                offsetMinutes == 0 && offsetStyle == 0
                        ? "Z"
                        : DateTimeFormatter.ofPattern(offsetStyle == 2 ? "xx" : "xxx")
                                .format(offset);
        String text = DateTimeFormatter.ofPattern(pattern).format(time) + offsetText;

        Instant fast = IsoTimes.parse(text);

        assertEquals(formatter(text), fast, text);
    }

    @Property(tries = 5000)
    void whateverItReadsTheFormatterReadsTheSame(@ForAll("nearlyDateTimes") String text) {
        Instant fast = IsoTimes.parse(text);
        if (fast != null) {
            assertEquals(formatter(text), fast, text);
        }
    }

    @Provide
    Arbitrary<String> nearlyDateTimes() {
        // a valid date-time with one character replaced, added or removed
        Arbitrary<String> valid =
                Arbitraries.of(
                        "2025-03-01T08:00:00Z",
                        "2024-02-29T23:59:59.999+01:00",
                        "2025-12-31T00:00:00.5-0530",
                        "2025-03-01T08:00Z");
        Arbitrary<Character> any =
                Arbitraries.of(
                        '0', '1', '2', '3', '9', '-', ':', 'T', 'Z', '+', '.', 'z', 't', ' ', '6');
        return net.jqwik.api.Combinators.combine(
                        valid, Arbitraries.integers().between(0, 30), any, Arbitraries.of(0, 1, 2))
                .as(
                        (text, at, c, edit) -> {
                            int i = Math.min(at, text.length() - 1);
                            return switch (edit) {
                                case 0 -> text.substring(0, i) + c + text.substring(i + 1);
                                case 1 -> text.substring(0, i) + c + text.substring(i);
                                default -> text.substring(0, i) + text.substring(i + 1);
                            };
                        });
    }

    @Test
    void leavesTheRareFormsToTheFormatter() {
        assertNull(IsoTimes.parse("2025-02-30T08:00:00Z")); // the formatter decides
        assertNull(IsoTimes.parse("2025-03-01T24:00:00Z"));
        assertNull(IsoTimes.parse("2025-03-01T08:00:00.Z"));
        assertNull(IsoTimes.parse("2025-03-01t08:00:00Z"));
        assertNull(IsoTimes.parse("+12025-03-01T08:00:00Z"));
        assertNull(IsoTimes.parse("2025-03-01T08:00:00+18:00"));
        assertNull(IsoTimes.parse("2025-03-01T08:00:00"));
        assertEquals(
                Instant.parse("2025-03-01T07:00:00.120Z"),
                IsoTimes.parse("2025-03-01T08:00:00.12+01:00"));
    }
}
