package io.tessera.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.config.Checks;
import io.tessera.config.InvalidOptionException;
import io.tessera.sequences.SequenceDefinition;
import io.tessera.traits.DefinitionSet;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;

/**
 * The profile stage's validated settings.
 *
 * @param definitions the traits and rule audiences computed at start
 * @param bootstrap the bootstrap file's definitions, as JSON, which live updates override
 * @param horizon no wake-up later than this event time is acted on (a replay's {@code --until});
 *     {@code Long.MAX_VALUE} in a running job
 * @param scheduled definition updates that take effect at given event times, in time order (a
 *     replay's {@code --updates}); empty in a running job, which reads the control topic
 * @param coalesce a profile's changes within this interval go out as one snapshot, its latest
 *     ({@code cdp.profile.coalesce}); zero: every change as it is made (a replay)
 */
public record ProfileSettings(
        DefinitionSet definitions,
        List<String> bootstrap,
        long horizon,
        List<ScheduledUpdate> scheduled,
        Duration coalesce)
        implements Serializable {

    /** Reads the bootstrap definitions, if any. */
    public static ProfileSettings from(Configuration config) {
        Duration coalesce = Checks.nonNegative(config, ProfileOptions.COALESCE);
        return definitionsOf(config).withCoalesce(coalesce);
    }

    private static ProfileSettings definitionsOf(Configuration config) {
        String file = Checks.get(config, ProfileOptions.DEFINITIONS);
        if (file == null || file.isBlank()) {
            return none();
        }
        Path path = Path.of(file.trim());
        if (!Files.isRegularFile(path)) {
            throw new InvalidOptionException(
                    ProfileOptions.DEFINITIONS.key(), "no such file " + path);
        }
        try {
            return load(path);
        } catch (IllegalArgumentException | UncheckedIOException e) {
            throw new InvalidOptionException(ProfileOptions.DEFINITIONS.key(), e.getMessage());
        }
    }

    /** No definitions: profiles keep only their basics. */
    public static ProfileSettings none() {
        return new ProfileSettings(
                DefinitionSet.empty(),
                List.of(),
                Long.MAX_VALUE,
                List.of(),
                ProfileOptions.COALESCE.defaultValue());
    }

    /** The definitions of a bootstrap file. */
    public static ProfileSettings load(Path file) {
        List<String> bootstrap = DefinitionSet.read(file);
        return new ProfileSettings(
                LiveDefinitions.effective(bootstrap, List.of()),
                bootstrap,
                Long.MAX_VALUE,
                List.of(),
                ProfileOptions.COALESCE.defaultValue());
    }

    /** The sequence audiences of the bootstrap definitions that are active (compiled at start). */
    public List<SequenceDefinition> sequences() {
        ObjectMapper mapper = new ObjectMapper();
        List<SequenceDefinition> sequences = new java.util.ArrayList<>();
        for (String json : bootstrap) {
            try {
                JsonNode definition = mapper.readTree(json);
                if ("sequence".equals(definition.path("type").asText())
                        && "active".equals(definition.path("status").asText())) {
                    sequences.add(SequenceDefinition.of(definition));
                }
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("a bootstrap definition holds invalid JSON", e);
            }
        }
        return sequences;
    }

    /** These settings, acting on no wake-up after the given event time. */
    public ProfileSettings until(long horizon) {
        return new ProfileSettings(definitions, bootstrap, horizon, scheduled, coalesce);
    }

    /**
     * These settings, with a profile's changes within the interval let out as one snapshot (zero:
     * every change as it is made).
     */
    public ProfileSettings withCoalesce(Duration interval) {
        return new ProfileSettings(definitions, bootstrap, horizon, scheduled, interval);
    }

    /** These settings, with definition updates taking effect at given event times. */
    public ProfileSettings withScheduled(List<ScheduledUpdate> updates) {
        List<ScheduledUpdate> sorted = new java.util.ArrayList<>(updates);
        sorted.sort(java.util.Comparator.comparingLong(ScheduledUpdate::at));
        return new ProfileSettings(definitions, bootstrap, horizon, List.copyOf(sorted), coalesce);
    }
}
