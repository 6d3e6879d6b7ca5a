package io.tessera.profile;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** The profile stage's options, {@code cdp.profile.*}. */
public final class ProfileOptions {
    public static final ConfigOption<String> DEFINITIONS =
            key("cdp.profile.definitions")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Bootstrap file of trait and audience definitions (JSON array or YAML"
                                    + " list, schema cdp.definition/v1), loaded at start; an"
                                    + " invalid file stops the submission with every problem.");

    public static final ConfigOption<Duration> COALESCE =
            key("cdp.profile.coalesce")
                    .durationType()
                    .defaultValue(Duration.ofMillis(50))
                    .withDescription(
                            "A profile's changes within this interval (processing time) leave the"
                                    + " profile stage as one snapshot, its latest: to cdp.profiles,"
                                    + " the sequence audiences' view and activation. 0 ms lets"
                                    + " every change out as it is made.");

    /** Every profile option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL = List.of(DEFINITIONS, COALESCE);

    private ProfileOptions() {}
}
