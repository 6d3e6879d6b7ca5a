package io.tessera.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.identity.IdentityKeys;
import io.tessera.identity.ProfileState;
import io.tessera.identity.ProfileStateSerializer;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

/**
 * A profile's trait values are not kept in state: they are derived from its trait states. A profile
 * written to state and read back, then emitted without an evaluation of its own, shows the values
 * it had when it was written, computed again; and the state takes the bytes of the values less.
 */
class StoredProfileValuesTest {
    private static final ProfileComputer COMPUTER = computer();
    private static final long T = 1_743_494_400_000L;
    private static final Identifier USER = new Identifier("user_id", "u1");

    /** A shop event: what, after how long, which product in which category, for how much. */
    record Step(String name, long afterMillis, int product, int category, int revenue) {}

    @Property(tries = 200)
    void aProfileReadBackShowsTheValuesItWasWrittenWith(@ForAll("visits") List<Step> visits)
            throws IOException {
        ProfileState profile = ProfileState.found(IdentityKeys.profileId("t", T, "u"), T, USER);
        long time = T;
        int n = 0;
        for (Step step : visits) {
            time += step.afterMillis();
            COMPUTER.wakeUntil(profile, time);
            CustomerEvent event = event("m" + n++, step, time);
            profile.credit(event.type(), event.event(), time, Map.of());
            COMPUTER.onEvent(profile, event, "event", time);

            Map<String, String> shown = new TreeMap<>(profile.traitValues);
            ProfileState read = storedAndReadBack(profile);
            assertTrue(read.traitValues.isEmpty(), "no values in state");
            assertEquals(shown, COMPUTER.snapshot(read).traitValues);
            assertEquals(shown, profile.traitValues, "the profile written keeps its values");
        }
    }

    @Test
    void theStateTakesTheBytesOfTheValuesLess() throws IOException {
        ProfileState profile = ProfileState.found(IdentityKeys.profileId("t", T, "u"), T, USER);
        CustomerEvent view = event("m1", new Step("Product Viewed", 0, 1, 1, 0), T);
        profile.credit(view.type(), view.event(), T, Map.of());
        COMPUTER.onEvent(profile, view, "event", T);

        int whole = bytes(profile).length;
        int[] stored = new int[1];
        profile.storedWithoutValues(() -> stored[0] = bytes(profile).length);

        int values = 0;
        for (Map.Entry<String, String> value : profile.traitValues.entrySet()) {
            values += value.getKey().length() + value.getValue().length();
        }
        assertTrue(whole - stored[0] >= values, whole + " against " + stored[0]);
    }

    @Provide
    Arbitrary<List<Step>> visits() {
        Arbitrary<Step> step =
                Combinators.combine(
                                Arbitraries.of(
                                        "Product Viewed",
                                        "Product Added",
                                        "Order Completed",
                                        "Article Completed"),
                                Arbitraries.oneOf(
                                        Arbitraries.longs().between(0, 120_000),
                                        Arbitraries.longs().between(0, 2 * 86_400_000L)),
                                Arbitraries.integers().between(1, 4),
                                Arbitraries.integers().between(1, 3),
                                Arbitraries.integers().between(1, 500))
                        .as(Step::new);
        return step.list().ofMinSize(1).ofMaxSize(12);
    }

    private static CustomerEvent event(String id, Step step, long time) {
        String message =
                "{\"properties\":{\"product_id\":\"p"
                        + step.product()
                        + "\",\"category\":\"c"
                        + step.category()
                        + "\",\"revenue\":"
                        + step.revenue()
                        + "}}";
        return new CustomerEvent(
                id,
                "track",
                step.name(),
                time,
                List.of(USER),
                null,
                message,
                CustomerEvent.DEFAULT_TENANT);
    }

    /** What RocksDB does with a profile the identity stage stores: written, then read back. */
    private static ProfileState storedAndReadBack(ProfileState profile) throws IOException {
        byte[][] stored = new byte[1][];
        profile.storedWithoutValues(() -> stored[0] = bytes(profile));
        return ProfileStateSerializer.INSTANCE.deserialize(new DataInputDeserializer(stored[0]));
    }

    private static byte[] bytes(ProfileState profile) throws IOException {
        DataOutputSerializer out = new DataOutputSerializer(512);
        ProfileStateSerializer.INSTANCE.serialize(profile, out);
        return out.getCopyOfBuffer();
    }

    /** The bench's ten traits: windows, counters, sums, most frequent, lists, a decayed score. */
    private static ProfileComputer computer() {
        try {
            JsonNode all =
                    new ObjectMapper()
                            .readTree(
                                    Files.readString(
                                            Path.of(
                                                    "src/tools/resources/bench-pipeline-definitions.json")));
            List<String> definitions = new ArrayList<>();
            all.forEach(d -> definitions.add(d.toString()));
            return new ProfileComputer(LiveDefinitions.effective(definitions, List.of()));
        } catch (IOException e) {
            throw new IllegalStateException("the bench's definitions cannot be read", e);
        }
    }
}
