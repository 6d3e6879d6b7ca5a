package io.tessera.identity.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tessera.identity.IdentityJson;
import io.tessera.identity.ProfileState;
import io.tessera.identity.TraitValue;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The job's own event and profile types travel through the loop unchanged. */
class JobTypesCodecTest {
    private static final LoopCodec<CustomerEvent, ProfileState> CODEC =
            new LoopCodec<>(CustomerEvent.class, ProfileState.class);

    @Test
    void anEventAndAProfileReadBackEqual() {
        CustomerEvent event =
                new CustomerEvent(
                        "m1",
                        "identify",
                        null,
                        1_700_000_000_000L,
                        List.of(new Identifier("user_id", "u1"), new Identifier("email", "a@b.io")),
                        "anon-0",
                        "{\"type\":\"identify\",\"traits\":{\"plan\":\"pro\"}}",
                        CustomerEvent.DEFAULT_TENANT);
        ProfileState profile = ProfileState.found("p_1_x", 1, new Identifier("user_id", "u1"));
        profile.add(new Identifier("email", "a@b.io"));
        profile.credit("identify", null, 5, Map.of("plan", new TraitValue("\"pro\"", 5, "m1")));
        profile.updateConsent(new TraitValue("{\"personalization\":true}", 5, "m1"));
        profile.traitValues.put("orders", "3");
        profile.audiences.put("buyers", 5L);
        ClusterId from = new ClusterId(2, "email:a@b.io");

        var contribute =
                (Message.Contribute<CustomerEvent, ProfileState>)
                        CODEC.decode(
                                        CODEC.encode(
                                                Address.cluster(from),
                                                new Message.Contribute<>("m1", event)))
                                .message();
        var absorb =
                (Message.Absorb<CustomerEvent, ProfileState>)
                        CODEC.decode(
                                        CODEC.encode(
                                                Address.cluster(from),
                                                new Message.Absorb<>(
                                                        from,
                                                        new TreeSet<>(profile.identifiers),
                                                        profile,
                                                        Map.of("user_id", "u1"),
                                                        false,
                                                        new TreeSet<>(),
                                                        new java.util.TreeMap<>(),
                                                        true,
                                                        Message.UNKNOWN_TIME)))
                                .message();

        assertEquals(event.toString(), contribute.payload().toString());
        assertEquals(event.identifiers(), contribute.payload().identifiers());
        assertEquals(event.message(), contribute.payload().message());
        assertEquals(
                IdentityJson.profile(profile).toString(),
                IdentityJson.profile(absorb.state()).toString());
    }
}
