package io.tessera.profile;

import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import io.tessera.traits.DefinitionSet;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;

/**
 * The profile stage's validated settings.
 *
 * @param definitions the traits and rule audiences computed
 * @param horizon no wake-up later than this event time is acted on (a replay's {@code --until});
 *     {@code Long.MAX_VALUE} in a running job
 */
public record ProfileSettings(DefinitionSet definitions, long horizon) implements Serializable {

    /** Reads the bootstrap definitions, if any. */
    public static ProfileSettings from(Configuration config) {
        String file = Checks.get(config, ProfileOptions.DEFINITIONS);
        if (file == null || file.isBlank()) {
            return new ProfileSettings(DefinitionSet.empty(), Long.MAX_VALUE);
        }
        Path path = Path.of(file.trim());
        if (!Files.isRegularFile(path)) {
            throw new InvalidOptionException(
                    ProfileOptions.DEFINITIONS.key(), "no such file " + path);
        }
        try {
            return new ProfileSettings(DefinitionSet.load(path), Long.MAX_VALUE);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new InvalidOptionException(ProfileOptions.DEFINITIONS.key(), e.getMessage());
        }
    }

    /** These settings, acting on no wake-up after the given event time. */
    public ProfileSettings until(long horizon) {
        return new ProfileSettings(definitions, horizon);
    }
}
