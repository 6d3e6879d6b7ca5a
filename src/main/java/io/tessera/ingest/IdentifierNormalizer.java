package io.tessera.ingest;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;
import io.tessera.model.IdentifierTypes;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalises identifier values (events.md, "Identifiers taken from a message"): trims every value,
 * lower-cases emails, writes phones in E.164 when they parse, and drops blocked values.
 */
public final class IdentifierNormalizer implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Blocklist blocklist;
    private final String defaultPhoneRegion;
    private final int maxBytes;
    private final Map<String, String> validation;
    private transient Map<String, Pattern> patterns;

    /**
     * @param blocklist values never used as identifiers
     * @param defaultPhoneRegion ISO 3166 region for phone numbers written without a country code
     * @param maxBytes longest usable value, in bytes of UTF-8 (longer ones are junk: a whole
     *     payload pasted into an id field)
     * @param validation a regex per type that normalised values must match
     */
    public IdentifierNormalizer(
            Blocklist blocklist,
            String defaultPhoneRegion,
            int maxBytes,
            Map<String, String> validation) {
        this.blocklist = blocklist;
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.maxBytes = maxBytes;
        this.validation = Map.copyOf(validation);
    }

    /** The normaliser ingest uses with these settings (also the profile API's lookups). */
    public static IdentifierNormalizer of(IngestSettings settings) {
        return new IdentifierNormalizer(
                settings.blocklist(),
                settings.defaultPhoneRegion(),
                settings.maxIdentifierBytes(),
                settings.validation());
    }

    /** The normalised value, or null when the value is not usable as an identifier. */
    public String normalize(String type, String rawValue) {
        String value = rawValue.trim();
        if (unusable(rawValue) != null || blocklist.blocksValue(value)) {
            return null;
        }
        String normalized =
                switch (type) {
                    case IdentifierTypes.EMAIL -> normalizeEmail(value);
                    case IdentifierTypes.PHONE -> normalizePhone(value);
                    default -> value;
                };
        return normalized != null && matchesValidation(type, normalized) ? normalized : null;
    }

    /**
     * Why a raw value cannot serve as an identifier anywhere it goes (keyed state, Kafka keys, HTTP
     * headers, files), or null when it can: it holds a control character (U+0000-U+001F, U+007F,
     * surrounding whitespace included), an unpaired surrogate, or more than the configured bytes of
     * UTF-8. Such values are dropped like blocked ones (events.md), never passed on to fail later
     * in a sink or a client.
     */
    public String unusable(String rawValue) {
        long bytes = 0;
        for (int i = 0; i < rawValue.length(); i++) {
            char c = rawValue.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return String.format("holds the control character U+%04X", (int) c);
            }
            if (Character.isHighSurrogate(c)
                    && i + 1 < rawValue.length()
                    && Character.isLowSurrogate(rawValue.charAt(i + 1))) {
                i++;
                bytes += 4;
            } else if (Character.isSurrogate(c)) {
                return String.format("holds the unpaired surrogate U+%04X", (int) c);
            } else {
                bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
            }
        }
        return bytes > maxBytes ? "is longer than " + maxBytes + " bytes of UTF-8" : null;
    }

    private boolean matchesValidation(String type, String value) {
        if (validation.isEmpty()) {
            return true;
        }
        if (patterns == null) {
            patterns = new HashMap<>();
            validation.forEach((t, regex) -> patterns.put(t, Pattern.compile(regex)));
        }
        Pattern pattern = patterns.get(type);
        return pattern == null || pattern.matcher(value).matches();
    }

    private String normalizeEmail(String value) {
        String email = value.toLowerCase(Locale.ROOT);
        int at = email.indexOf('@');
        boolean wellFormed = at > 0 && at == email.lastIndexOf('@') && at < email.length() - 1;
        if (!wellFormed || email.chars().anyMatch(Character::isWhitespace)) {
            return null;
        }
        return blocklist.blocksEmail(email) ? null : email;
    }

    private String normalizePhone(String value) {
        PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
        try {
            PhoneNumber number = phones.parse(value, defaultPhoneRegion);
            if (phones.isValidNumber(number)) {
                return phones.format(number, PhoneNumberUtil.PhoneNumberFormat.E164);
            }
        } catch (NumberParseException notAPhoneNumber) {
            // Not parseable as a phone number: events.md keeps the trimmed value as it is.
        }
        return value;
    }
}
