package io.tessera.tools;

import io.tessera.profileapi.ProfileApi;
import io.tessera.profileapi.ProfileApiOptions;
import java.util.ArrayList;
import java.util.List;

/** {@code ./tessera profile-api}: the profile API on a broker of your own, until stopped. */
final class ProfileApiCommand {
    static final String USAGE =
            """
            Usage: ./tessera profile-api --cdp.kafka.bootstrap-servers HOST:PORT [--config FILE]
                                         [--cdp.profile-api.port 8088] [--cdp.profile-api.host H]
                                         [--cdp.profile-api.store-dir DIR] [--cdp.profile-api.token T]
            Reads the job's cdp.profiles and cdp.profile-merges (read committed) into a RocksDB
            store (default here: target/profile-api-store) and serves, until stopped:
              GET /v1/profiles/{profileId}      the live profile (a merged-away id resolves)
              GET /v1/lookup?type=T&value=V     the live profile holding an identifier
              GET /v1/audiences                 every audience with its size
              GET /v1/audiences/{id}/members?limit=100&cursor=C
              GET /health, GET /metrics         readiness, Prometheus metrics
            With a token (or TESSERA_PROFILE_API_TOKEN), requests need Authorization: Bearer T.
            The job's --cdp.* options are accepted too (topic names, identifier normalisation).
            """;

    private ProfileApiCommand() {}

    static void main(String[] args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        if (!all.contains("--" + ProfileApiOptions.STORE_DIR.key())) {
            all.addAll(
                    List.of("--" + ProfileApiOptions.STORE_DIR.key(), "target/profile-api-store"));
        }
        ProfileApi.main(all.toArray(new String[0]));
    }
}
