package io.tessera.profileapi;

import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import java.nio.file.Path;
import java.util.Map;
import org.apache.flink.configuration.Configuration;

/**
 * Validated profile API settings (see {@link ProfileApiOptions}).
 *
 * @param host address to listen on
 * @param port port (0: any free one)
 * @param storeDir directory of the store
 * @param token bearer token requests must carry, or null when none is required
 */
public record ProfileApiSettings(String host, int port, Path storeDir, String token) {

    /** Reads the options; the token falls back to {@link ProfileApiOptions#TOKEN_ENVIRONMENT}. */
    public static ProfileApiSettings from(Configuration config, Map<String, String> environment) {
        int port = config.get(ProfileApiOptions.PORT);
        if (port < 0 || port > 65_535) {
            throw new InvalidOptionException(
                    ProfileApiOptions.PORT.key(), "must be a port from 0 to 65535, not " + port);
        }
        String token = config.get(ProfileApiOptions.TOKEN);
        if (token == null) {
            token = environment.get(ProfileApiOptions.TOKEN_ENVIRONMENT);
        }
        if (token != null && token.isBlank()) {
            throw new InvalidOptionException(
                    ProfileApiOptions.TOKEN.key(), "must not be blank (leave it unset for none)");
        }
        return new ProfileApiSettings(
                Checks.notBlank(config, ProfileApiOptions.HOST),
                port,
                Path.of(Checks.notBlank(config, ProfileApiOptions.STORE_DIR)),
                token);
    }
}
