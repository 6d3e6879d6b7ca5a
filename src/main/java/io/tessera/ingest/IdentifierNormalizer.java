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

    /** Longer values are junk (a whole payload pasted into an id field), never identifiers. */
    public static final int MAX_VALUE_LENGTH = 512;

    private final Blocklist blocklist;
    private final String defaultPhoneRegion;
    private final Map<String, String> validation;
    private transient Map<String, Pattern> patterns;

    /**
     * @param blocklist values never used as identifiers
     * @param defaultPhoneRegion ISO 3166 region for phone numbers written without a country code
     * @param validation a regex per type that normalised values must match
     */
    public IdentifierNormalizer(
            Blocklist blocklist, String defaultPhoneRegion, Map<String, String> validation) {
        this.blocklist = blocklist;
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.validation = Map.copyOf(validation);
    }

    /** The normalised value, or null when the value is not usable as an identifier. */
    public String normalize(String type, String rawValue) {
        String value = rawValue.trim();
        if (value.length() > MAX_VALUE_LENGTH || blocklist.blocksValue(value)) {
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
