package io.tessera.config;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** Reads options and checks their ranges once, at start, naming the option on failure. */
public final class Checks {
    private Checks() {}

    /** The option's value; a value Flink cannot parse fails with the option's key. */
    public static <T> T get(ReadableConfig config, ConfigOption<T> option) {
        try {
            return config.get(option);
        } catch (IllegalArgumentException e) {
            Object fallback = option.hasDefaultValue() ? option.defaultValue() : null;
            if (fallback instanceof Enum<?> known) {
                // Flink's message names neither the value as given nor the values allowed
                java.util.regex.Matcher value =
                        java.util.regex.Pattern.compile("value '([^']*)'").matcher(e.getMessage());
                List<String> allowed = new java.util.ArrayList<>();
                for (Enum<?> constant : known.getDeclaringClass().getEnumConstants()) {
                    allowed.add(constant.name().toLowerCase(java.util.Locale.ROOT));
                }
                throw new InvalidOptionException(
                        option.key(),
                        (value.find()
                                        ? "'"
                                                + value.group(1).toLowerCase(java.util.Locale.ROOT)
                                                + "'"
                                        : "the value")
                                + " is not one of "
                                + String.join(", ", allowed)
                                + " (any letter case)");
            }
            throw new InvalidOptionException(option.key(), e.getMessage());
        }
    }

    /** A positive integer. */
    public static int positive(ReadableConfig config, ConfigOption<Integer> option) {
        int value = get(config, option);
        if (value <= 0) {
            throw new InvalidOptionException(option.key(), "must be positive, got " + value);
        }
        return value;
    }

    /** A duration of zero or more. */
    public static Duration nonNegative(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = get(config, option);
        if (value.isNegative()) {
            throw new InvalidOptionException(option.key(), "must not be negative, got " + value);
        }
        return value;
    }

    /** A duration of more than zero. */
    public static Duration positiveDuration(ReadableConfig config, ConfigOption<Duration> option) {
        Duration value = nonNegative(config, option);
        if (value.isZero()) {
            throw new InvalidOptionException(option.key(), "must be more than zero");
        }
        return value;
    }

    /** A string that is not blank. */
    public static String notBlank(ReadableConfig config, ConfigOption<String> option) {
        String value = get(config, option);
        if (value == null || value.isBlank()) {
            throw new InvalidOptionException(option.key(), "must be set");
        }
        return value.trim();
    }
}
