package io.tessera.ingest;

import java.io.Serializable;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Identifier values that are never identifiers (identity.md, "Blocked values"): placeholders that
 * broken clients send, such as {@code "undefined"}, all-zero ids, and test email addresses.
 * Matching ignores case and surrounding quotes.
 */
public final class Blocklist implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The default placeholder values, lower case. */
    public static final Set<String> DEFAULT_VALUES =
            Set.of(
                    "",
                    "null",
                    "undefined",
                    "none",
                    "nil",
                    "nan",
                    "unknown",
                    "anonymous",
                    "guest",
                    "invalid",
                    "n/a",
                    "-",
                    "0",
                    "-1");

    /** Email addresses that are never a person's. */
    public static final Set<String> DEFAULT_EMAILS = Set.of("test@test.com");

    /** Email domains whose addresses are never a person's. */
    public static final Set<String> DEFAULT_EMAIL_DOMAINS = Set.of("example.com", "test.com");

    /** Only zeros and dashes: all-zero UUIDs and advertising ids among them. */
    private static final Pattern ZEROS_AND_DASHES = Pattern.compile("[0-]+");

    private final Set<String> values;
    private final Set<String> emails;
    private final Set<String> emailDomains;

    /** A blocklist of the defaults plus the given values, emails and email domains. */
    public Blocklist(
            Collection<String> extraValues,
            Collection<String> extraEmails,
            Collection<String> extraEmailDomains) {
        this.values = lowerCased(DEFAULT_VALUES, extraValues);
        this.emails = lowerCased(DEFAULT_EMAILS, extraEmails);
        this.emailDomains = lowerCased(DEFAULT_EMAIL_DOMAINS, extraEmailDomains);
    }

    /** The defaults of identity.md. */
    public static Blocklist defaults() {
        return new Blocklist(Set.of(), Set.of(), Set.of());
    }

    /** True when the (trimmed) value must not be used as an identifier of any type. */
    public boolean blocksValue(String value) {
        String bare = unquoted(value.trim()).toLowerCase(Locale.ROOT);
        return values.contains(bare) || ZEROS_AND_DASHES.matcher(bare).matches();
    }

    /** True when the (normalised, lower-case) email address must not be used. */
    public boolean blocksEmail(String email) {
        if (blocksValue(email) || emails.contains(email)) {
            return true;
        }
        int at = email.lastIndexOf('@');
        return at >= 0 && emailDomains.contains(email.substring(at + 1));
    }

    private static String unquoted(String value) {
        String current = value;
        while (current.length() >= 2
                && isQuote(current.charAt(0))
                && current.charAt(current.length() - 1) == current.charAt(0)) {
            current = current.substring(1, current.length() - 1).trim();
        }
        return current;
    }

    private static boolean isQuote(char c) {
        return c == '"' || c == '\'';
    }

    private static Set<String> lowerCased(Collection<String> defaults, Collection<String> extra) {
        Set<String> all = new TreeSet<>();
        defaults.forEach(v -> all.add(v.trim().toLowerCase(Locale.ROOT)));
        extra.forEach(v -> all.add(v.trim().toLowerCase(Locale.ROOT)));
        return Set.copyOf(all);
    }
}
