package io.tessera.identity.distributed;

import io.tessera.identity.IdentityKeys;
import io.tessera.identity.IdentityRules;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** The entry of distributed identity: an accepted event becomes its protocol messages. */
final class RouteFunction extends ProcessFunction<CustomerEvent, Routed> {
    private static final long serialVersionUID = 1L;

    private final IdentityRules rules;
    private final LoopCodec<CustomerEvent, ProfileState> codec;

    RouteFunction(IdentityRules rules, LoopCodec<CustomerEvent, ProfileState> codec) {
        this.rules = rules;
        this.codec = codec;
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<Routed> out) {
        List<Identifier> admitted = new ArrayList<>();
        for (Identifier identifier : event.identifiers()) {
            if (rules.admits(identifier) && !admitted.contains(identifier)) {
                admitted.add(identifier);
            }
        }
        if (admitted.isEmpty()) {
            return; // the ingest stage sends events without identifiers to the dead letters
        }
        Identifier anchor =
                admitted.stream()
                        .min(Comparator.comparingInt(i -> rules.type(i.type()).priority()))
                        .orElseThrow();
        List<String> keys = admitted.stream().map(IdentityKeys::of).toList();
        EventRouter.route(
                event.messageId(),
                keys,
                IdentityKeys.of(anchor),
                event.eventTime(),
                event,
                new CollectingOutbox<>(codec, out));
    }
}
