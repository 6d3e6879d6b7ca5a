package io.tessera.identity.distributed;

import io.tessera.identity.IdentityRules;
import io.tessera.identity.ProfileState;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** The entry of distributed identity: an accepted event becomes its protocol messages. */
final class RouteFunction extends ProcessFunction<CustomerEvent, Routed> {
    private static final long serialVersionUID = 1L;

    /** The time of each event sent on to be credited, for {@link InFlightWatermarks}. */
    static final OutputTag<Long> ENTERED = new OutputTag<>("identity-events-entered") {};

    private final IdentityRules rules;
    private final LoopCodec<CustomerEvent, ProfileState> codec;

    RouteFunction(IdentityRules rules, LoopCodec<CustomerEvent, ProfileState> codec) {
        this.rules = rules;
        this.codec = codec;
    }

    @Override
    public void processElement(CustomerEvent event, Context ctx, Collector<Routed> out) {
        if (route(
                event.messageId(),
                event,
                rules,
                event.identifiersNamed,
                event.identifiersPartlyNamed,
                new CollectingOutbox<>(codec, out))) {
            ctx.output(ENTERED, event.eventTime());
        }
    }

    /**
     * An accepted event's protocol messages: a delete goes to the Directories of its identifiers,
     * any other event is routed to be credited and to link what it holds.
     *
     * @param named whether its key's events named every identifier of it before ({@link
     *     CustomerEvent#identifiersNamed}): it goes straight to its anchor's cluster
     * @param partlyNamed whether they named some identifier of it ({@link
     *     CustomerEvent#identifiersPartlyNamed}): a never-seen anchor most likely joins their
     *     profile
     * @return whether the event was sent on to be credited (not a delete, and with an identifier)
     */
    static boolean route(
            String eventId,
            CustomerEvent event,
            IdentityRules rules,
            boolean named,
            boolean partlyNamed,
            Outbox<CustomerEvent, ProfileState> out) {
        List<Identifier> admitted = new ArrayList<>();
        for (Identifier identifier : event.identifiers()) {
            if (rules.admits(identifier) && !admitted.contains(identifier)) {
                admitted.add(identifier);
            }
        }
        if (admitted.isEmpty()) {
            return false; // the ingest stage sends events without identifiers to the dead letters
        }
        Identifier anchor =
                admitted.stream()
                        .min(Comparator.comparingInt(i -> rules.type(i.type()).priority()))
                        .orElseThrow();
        // highest priority first: a Gather blames a refused link on the weaker identifier
        admitted.sort(Comparator.comparingInt(i -> rules.type(i.type()).priority()));
        List<String> keys = admitted.stream().map(i -> TenantKeys.of(event.tenant(), i)).toList();
        if ("delete".equals(event.type())) {
            EventRouter.erase(eventId, keys, event.eventTime(), event, out);
            return false;
        }
        EventRouter.route(
                eventId,
                keys,
                TenantKeys.of(event.tenant(), anchor),
                event.eventTime(),
                event,
                event.orderKey,
                event.orderPosition,
                named,
                partlyNamed,
                out);
        return true;
    }
}
