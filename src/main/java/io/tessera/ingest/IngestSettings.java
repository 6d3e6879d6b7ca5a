package io.tessera.ingest;

import com.google.i18n.phonenumbers.PhoneNumberUtil;
import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The ingest stage's validated settings (see {@link IngestOptions} for each one's meaning).
 *
 * @param maxMessageBytes largest message
 * @param maxBatchBytes largest batch envelope record
 * @param maxBatchItems most items in a batch
 * @param dedupWindow how long a messageId is remembered; zero disables deduplication
 * @param maxOutOfOrderness watermark delay behind the largest event time
 * @param idleness time after which a silent partition stops holding back the watermark
 * @param maxFutureSkew how far ahead of the clock an event time may be
 * @param blocklist values that are never identifiers
 * @param defaultPhoneRegion region for phone numbers without a country code
 * @param maxIdentifierBytes longest usable identifier value, in bytes of UTF-8
 * @param tenantField dotted path of the tenant field, or null
 * @param validation regex per identifier type that values must match (identity's type registry)
 */
public record IngestSettings(
        int maxMessageBytes,
        int maxBatchBytes,
        int maxBatchItems,
        Duration dedupWindow,
        Duration maxOutOfOrderness,
        Duration idleness,
        Duration maxFutureSkew,
        Blocklist blocklist,
        String defaultPhoneRegion,
        int maxIdentifierBytes,
        String tenantField,
        Map<String, String> validation)
        implements Serializable {

    /** Reads and validates the ingest options. */
    public static IngestSettings from(ReadableConfig config) {
        String region =
                Checks.notBlank(config, IngestOptions.DEFAULT_PHONE_REGION)
                        .toUpperCase(Locale.ROOT);
        if (!PhoneNumberUtil.getInstance().getSupportedRegions().contains(region)) {
            throw new InvalidOptionException(
                    IngestOptions.DEFAULT_PHONE_REGION.key(), "unknown region '" + region + "'");
        }
        return new IngestSettings(
                Checks.positive(config, IngestOptions.MAX_MESSAGE_BYTES),
                Checks.positive(config, IngestOptions.MAX_BATCH_BYTES),
                Checks.positive(config, IngestOptions.MAX_BATCH_ITEMS),
                Checks.nonNegative(config, IngestOptions.DEDUP_WINDOW),
                Checks.nonNegative(config, IngestOptions.MAX_OUT_OF_ORDERNESS),
                Checks.positiveDuration(config, IngestOptions.IDLENESS),
                Checks.positiveDuration(config, IngestOptions.MAX_FUTURE_SKEW),
                new Blocklist(
                        Checks.get(config, IngestOptions.BLOCKED_VALUES),
                        Checks.get(config, IngestOptions.BLOCKED_EMAILS),
                        Checks.get(config, IngestOptions.BLOCKED_EMAIL_DOMAINS)),
                region,
                Checks.positive(config, IngestOptions.MAX_IDENTIFIER_BYTES),
                Checks.get(config, IngestOptions.TENANT_FIELD),
                Map.of());
    }

    /** These settings, with values of each identifier type checked by the given regex. */
    public IngestSettings withValidation(Map<String, String> regexByType) {
        return new IngestSettings(
                maxMessageBytes,
                maxBatchBytes,
                maxBatchItems,
                dedupWindow,
                maxOutOfOrderness,
                idleness,
                maxFutureSkew,
                blocklist,
                defaultPhoneRegion,
                maxIdentifierBytes,
                tenantField,
                Map.copyOf(regexByType));
    }

    /** True when duplicates are dropped at all. */
    public boolean deduplicates() {
        return !dedupWindow.isZero();
    }
}
