package io.tessera.profileapi;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;

/** The profile API's options, {@code cdp.profile-api.*} (the job ignores them). */
public final class ProfileApiOptions {
    /** The environment variable read for the token when {@link #TOKEN} is not set. */
    public static final String TOKEN_ENVIRONMENT = "TESSERA_PROFILE_API_TOKEN";

    public static final ConfigOption<String> HOST =
            key("cdp.profile-api.host")
                    .stringType()
                    .defaultValue("0.0.0.0")
                    .withDescription(
                            "Address the profile API listens on (127.0.0.1 to serve this machine"
                                    + " only).");

    public static final ConfigOption<Integer> PORT =
            key("cdp.profile-api.port")
                    .intType()
                    .defaultValue(8088)
                    .withDescription("Port of the profile API (0: any free port).");

    public static final ConfigOption<String> STORE_DIR =
            key("cdp.profile-api.store-dir")
                    .stringType()
                    .defaultValue("profile-api-store")
                    .withDescription(
                            "Directory of the profile API's RocksDB store; it restarts from what"
                                    + " the store holds and the offsets stored with it.");

    public static final ConfigOption<String> TOKEN =
            key("cdp.profile-api.token")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Bearer token every request but /health and /metrics must carry"
                                    + " (default: the environment variable "
                                    + TOKEN_ENVIRONMENT
                                    + "; when neither is set, requests need none).");

    /** Every profile API option, for listing and for rejecting unknown keys. */
    public static final List<ConfigOption<?>> ALL = List.of(HOST, PORT, STORE_DIR, TOKEN);

    private ProfileApiOptions() {}
}
