package io.tessera.ingest;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** The ingest stage's options, {@code cdp.ingest.*}. */
public final class IngestOptions {
    public static final ConfigOption<Integer> MAX_MESSAGE_BYTES =
            key("cdp.ingest.max-message-bytes")
                    .intType()
                    .defaultValue(32 * 1024)
                    .withDescription(
                            "Largest accepted message, in bytes (a single record, or one item of"
                                    + " a batch); larger ones are dead letters 'too_large'.");

    public static final ConfigOption<Integer> MAX_BATCH_BYTES =
            key("cdp.ingest.max-batch-bytes")
                    .intType()
                    .defaultValue(500 * 1024)
                    .withDescription(
                            "Largest accepted batch envelope record, in bytes (Segment's batch"
                                    + " limit); larger ones are dead letters 'too_large'.");

    public static final ConfigOption<Integer> MAX_BATCH_ITEMS =
            key("cdp.ingest.max-batch-items")
                    .intType()
                    .defaultValue(500)
                    .withDescription(
                            "Most messages in one batch envelope; more make the whole record a"
                                    + " dead letter 'batch_too_large'.");

    public static final ConfigOption<Duration> DEDUP_WINDOW =
            key("cdp.ingest.dedup-window")
                    .durationType()
                    .defaultValue(Duration.ofHours(1))
                    .withDescription(
                            "How long a messageId is remembered to drop duplicates (processing"
                                    + " time, state TTL); 0 disables deduplication.");

    public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
            key("cdp.ingest.max-out-of-orderness")
                    .durationType()
                    .defaultValue(Duration.ofMinutes(1))
                    .withDescription(
                            "Bounded out-of-orderness of event time: the watermark trails the"
                                    + " largest event time seen by this much.");

    public static final ConfigOption<Duration> IDLENESS =
            key("cdp.ingest.idleness")
                    .durationType()
                    .defaultValue(Duration.ofSeconds(30))
                    .withDescription(
                            "A source partition without records for this long stops holding back"
                                    + " the watermark.");

    public static final ConfigOption<Duration> MAX_FUTURE_SKEW =
            key("cdp.ingest.max-future-skew")
                    .durationType()
                    .defaultValue(Duration.ofDays(1))
                    .withDescription(
                            "An event time further than this ahead of the processing clock is a"
                                    + " dead letter 'bad_timestamp'.");

    public static final ConfigOption<List<String>> BLOCKED_VALUES =
            key("cdp.ingest.blocked-values")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Identifier values never used, in addition to the built-in list"
                                    + " ('null', 'undefined', all-zero ids...).");

    public static final ConfigOption<List<String>> BLOCKED_EMAILS =
            key("cdp.ingest.blocked-emails")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Email addresses never used as identifiers, in addition to"
                                    + " test@test.com.");

    public static final ConfigOption<List<String>> BLOCKED_EMAIL_DOMAINS =
            key("cdp.ingest.blocked-email-domains")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Email domains whose addresses are never used as identifiers, in"
                                    + " addition to example.com and test.com.");

    public static final ConfigOption<String> DEFAULT_PHONE_REGION =
            key("cdp.ingest.default-phone-region")
                    .stringType()
                    .defaultValue("US")
                    .withDescription(
                            "ISO 3166 region assumed for phone numbers without a country code when"
                                    + " writing them in E.164.");

    public static final ConfigOption<Integer> MAX_IDENTIFIER_BYTES =
            key("cdp.ingest.max-identifier-bytes")
                    .intType()
                    .defaultValue(256)
                    .withDescription(
                            "Longest usable identifier value, in bytes of UTF-8 (Lytics' limit);"
                                    + " a longer value is dropped from the identifier set like a"
                                    + " blocked one, the event is kept.");

    public static final ConfigOption<String> TENANT_FIELD =
            key("cdp.ingest.tenant-field")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Dotted path of the message field naming its tenant (e.g."
                                    + " context.groupId); unset, or absent from a message, means"
                                    + " the tenant 'default'. Each tenant has its own identity"
                                    + " graph.");

    /** Every ingest option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MAX_MESSAGE_BYTES,
                    MAX_BATCH_BYTES,
                    MAX_BATCH_ITEMS,
                    DEDUP_WINDOW,
                    MAX_OUT_OF_ORDERNESS,
                    IDLENESS,
                    MAX_FUTURE_SKEW,
                    BLOCKED_VALUES,
                    BLOCKED_EMAILS,
                    BLOCKED_EMAIL_DOMAINS,
                    DEFAULT_PHONE_REGION,
                    MAX_IDENTIFIER_BYTES,
                    TENANT_FIELD);

    private IngestOptions() {}
}
