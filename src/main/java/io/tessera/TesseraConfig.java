package io.tessera;

import io.tessera.activation.ActivationOptions;
import io.tessera.activation.ActivationSettings;
import io.tessera.config.InvalidOptionException;
import io.tessera.connect.KafkaOptions;
import io.tessera.connect.KafkaSettings;
import io.tessera.identity.IdentityOptions;
import io.tessera.identity.IdentitySettings;
import io.tessera.ingest.IngestOptions;
import io.tessera.ingest.IngestSettings;
import io.tessera.profile.ProfileOptions;
import io.tessera.profile.ProfileSettings;
import io.tessera.profileapi.ProfileApiOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

/**
 * The job's whole configuration, read from {@code cdp.*} options and validated once at start; it
 * hands each stage its slice.
 *
 * @param kafka Kafka connection and topics
 * @param ingest the ingest stage
 * @param identity the identity stage
 * @param profile the profile stage (traits and rule audiences)
 * @param activation the activation stage (Personalize)
 */
public record TesseraConfig(
        KafkaSettings kafka,
        IngestSettings ingest,
        IdentitySettings identity,
        ProfileSettings profile,
        ActivationSettings activation) {

    /** Every {@code cdp.*} option, grouped by stage. */
    public static List<ConfigOption<?>> allOptions() {
        List<ConfigOption<?>> all = new ArrayList<>(KafkaOptions.ALL);
        all.addAll(IngestOptions.ALL);
        all.addAll(IdentityOptions.ALL);
        all.addAll(ProfileOptions.ALL);
        all.addAll(ActivationOptions.ALL);
        all.addAll(ProfileApiOptions.ALL);
        return List.copyOf(all);
    }

    /**
     * Reads and validates the options; an unknown {@code cdp.*} key (a typo) is refused too.
     *
     * @throws InvalidOptionException naming the first bad option
     */
    public static TesseraConfig from(Configuration config) {
        Set<String> known = new TreeSet<>();
        allOptions().forEach(option -> known.add(option.key()));
        for (String key : config.keySet()) {
            boolean ours = key.startsWith("cdp.");
            boolean passThrough =
                    key.startsWith(KafkaOptions.CLIENT_PROPERTIES_PREFIX)
                            || key.startsWith(IdentityOptions.VALIDATION_PREFIX);
            if (ours && !passThrough && !known.contains(key)) {
                throw new InvalidOptionException(key, "unknown option");
            }
        }
        IdentitySettings identity = IdentitySettings.from(config);
        // Values failing a type's validation are dropped at ingest, like blocked values.
        IngestSettings ingest =
                IngestSettings.from(config).withValidation(IdentitySettings.validation(config));
        KafkaSettings kafka = KafkaSettings.from(config);
        ProfileSettings profile = ProfileSettings.from(config);
        if (identity.mode() == IdentityOptions.IdentityMode.DISTRIBUTED) {
            checkDistributed(kafka, ingest);
        }
        return new TesseraConfig(kafka, ingest, identity, profile, ActivationSettings.from(config));
    }

    /** What distributed identity needs, and what it does not do yet. */
    private static void checkDistributed(KafkaSettings kafka, IngestSettings ingest) {
        String isolation = kafka.clientProperties().get("isolation.level");
        if (isolation != null && !isolation.equals("read_committed")) {
            throw new InvalidOptionException(
                    KafkaOptions.CLIENT_PROPERTIES_PREFIX + "isolation.level",
                    "distributed identity reads its loop topic read_committed: with "
                            + isolation
                            + " a merge message of a transaction a failure aborted would be"
                            + " applied and never undone");
        }
    }
}
