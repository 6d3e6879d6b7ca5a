package io.tessera.identity;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.tessera.model.IdentifierTypes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;

/** The identity stage's options, {@code cdp.identity.*}. */
public final class IdentityOptions {
    /** Prefix of per-type validation regexes, {@code cdp.identity.validation.<type>}. */
    public static final String VALIDATION_PREFIX = "cdp.identity.validation.";

    /** The key of {@link #TYPE_LIMITS} that applies to types not named. */
    public static final String OTHER_TYPES = "other";

    public static final ConfigOption<IdentityMode> MODE =
            key("cdp.identity.mode")
                    .enumType(IdentityMode.class)
                    .defaultValue(IdentityMode.SINGLE)
                    .withDescription(
                            "How the identity graph is kept: SINGLE, one key per tenant with"
                                    + " synchronous merges (exact; one subtask does all of a"
                                    + " tenant's identity and profile work); DISTRIBUTED, keyed"
                                    + " by identifier, event and profile with merges through the"
                                    + " identity loop topic (scales out; tenants, traits, rule"
                                    + " and sequence audiences and activation as in SINGLE).");

    public static final ConfigOption<List<String>> PRIORITIES =
            key("cdp.identity.priorities")
                    .stringType()
                    .asList()
                    .defaultValues(IdentifierTypes.BY_PRIORITY.toArray(new String[0]))
                    .withDescription(
                            "Identifier types from the highest priority down; an event is credited"
                                    + " to the profile of its highest-priority identifier. Types"
                                    + " not named rank after these.");

    public static final ConfigOption<List<String>> UNIQUE_TYPES =
            key("cdp.identity.unique-types")
                    .stringType()
                    .asList()
                    .defaultValues(IdentifierTypes.USER_ID)
                    .withDescription(
                            "Types a profile never holds two values of: a link that would do so"
                                    + " is rejected.");

    public static final ConfigOption<Map<String, String>> TYPE_LIMITS =
            key("cdp.identity.type-limits")
                    .mapType()
                    .defaultValue(
                            Map.of(
                                    IdentifierTypes.USER_ID,
                                    "1",
                                    IdentifierTypes.EMAIL,
                                    "5",
                                    IdentifierTypes.PHONE,
                                    "3",
                                    IdentifierTypes.PERSONALIZE_UID,
                                    "20",
                                    IdentifierTypes.DEVICE_ID,
                                    "10",
                                    IdentifierTypes.ANONYMOUS_ID,
                                    "50",
                                    OTHER_TYPES,
                                    "10"))
                    .withDescription(
                            "Most values of a type in one profile, as type:limit pairs; 'other'"
                                    + " applies to types not named.");

    public static final ConfigOption<List<String>> NON_LINKING_TYPES =
            key("cdp.identity.non-linking-types")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Types that join a profile but never merge two profiles (e.g. a"
                                    + " shared kiosk device id).");

    public static final ConfigOption<List<String>> EXPIRING_TYPES =
            key("cdp.identity.expiring-types")
                    .stringType()
                    .asList()
                    .defaultValues(IdentifierTypes.ANONYMOUS_ID, IdentifierTypes.DEVICE_ID)
                    .withDescription(
                            "Types whose directory entries expire when not seen for"
                                    + " cdp.identity.expiring-ttl; durable types never expire.");

    public static final ConfigOption<Duration> EXPIRING_TTL =
            key("cdp.identity.expiring-ttl")
                    .durationType()
                    .defaultValue(Duration.ofDays(180))
                    .withDescription(
                            "How long an expiring identifier stays in the directory after it"
                                    + " was last seen (processing time).");

    public static final ConfigOption<Integer> PROFILE_SIZE_CAP =
            key("cdp.identity.profile-size-cap")
                    .intType()
                    .defaultValue(200)
                    .withDescription(
                            "Most identifiers in one profile; larger merges are rejected.");

    public static final ConfigOption<Integer> QUARANTINE_AFTER =
            key("cdp.identity.quarantine-after")
                    .intType()
                    .defaultValue(5)
                    .withDescription(
                            "Rejected links after which an identifier is quarantined: it still"
                                    + " resolves when alone on an event but never links again.");

    public static final ConfigOption<Duration> LOOP_ALLOWANCE =
            key("cdp.identity.loop-allowance")
                    .durationType()
                    .noDefaultValue()
                    .withDescription(
                            "Distributed mode: how long, of the clock, an event may take to cross"
                                    + " the identity loop (behind a merge or a claim): the"
                                    + " protocol's event time is the events' as it was that long"
                                    + " ago. A floor only: a profile's wake-ups (expiring"
                                    + " windows, time flips) and the sequence audiences wait for"
                                    + " every event still crossing the loop, however long it"
                                    + " takes. Default: 2 s with a stamped loop, three checkpoint"
                                    + " intervals with a transactional one (a merge that needs a"
                                    + " lock takes three loop trips, each committed with a"
                                    + " checkpoint).");

    public static final ConfigOption<LoopWrites> LOOP_WRITES =
            key("cdp.identity.loop-writes")
                    .enumType(LoopWrites.class)
                    .defaultValue(LoopWrites.STAMPED)
                    .withDescription(
                            "Distributed mode: how the identity loop topic is written."
                                    + " TRANSACTIONAL, exactly-once and read committed: a merge"
                                    + " waits for one to three checkpoints. STAMPED, at-least-once"
                                    + " with each record stamped with the attempt that wrote it"
                                    + " and its checkpoint: a merge crosses the loop in"
                                    + " milliseconds, and after a restore the reader ignores what"
                                    + " the failed attempt wrote after the checkpoint restored.");

    /** Every identity option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL =
            List.of(
                    MODE,
                    PRIORITIES,
                    UNIQUE_TYPES,
                    TYPE_LIMITS,
                    NON_LINKING_TYPES,
                    EXPIRING_TYPES,
                    EXPIRING_TTL,
                    PROFILE_SIZE_CAP,
                    QUARANTINE_AFTER,
                    LOOP_ALLOWANCE,
                    LOOP_WRITES);

    /** How the identity graph is kept. */
    public enum IdentityMode {
        SINGLE,
        DISTRIBUTED
    }

    /** How the identity loop topic is written. */
    public enum LoopWrites {
        TRANSACTIONAL,
        STAMPED
    }

    private IdentityOptions() {}
}
