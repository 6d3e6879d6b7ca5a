package io.tessera.sequences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.traits.EventFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequence audience membership per profile (definitions.md): enter on a match when not a member;
 * every match extends the expiry to {@code max(expiry, match + ttl)}; exit on the first {@code
 * exitOn} event, when the expiry passes (one event-time timer per expiry), or at once when the
 * control topic pauses or deletes the audience. A changed sequence applies at the next start.
 */
final class SequenceMembershipFunction
        extends KeyedBroadcastProcessFunction<
                String, SequenceInput, DefinitionUpdate, AudienceTransition> {
    private static final Logger LOG = LoggerFactory.getLogger(SequenceMembershipFunction.class);

    /** Control-topic status of sequence audiences, {@code <status>@<version>} by key. */
    static final MapStateDescriptor<String, String> CONTROL =
            new MapStateDescriptor<>("sequence-control", Types.STRING, Types.STRING);

    private static final long serialVersionUID = 1L;

    /** State names; part of the savepoint format. */
    static final String EXPIRIES = "sequence-expiries";

    static final String LAST_EXITS = "sequence-last-exit-events";

    private final Map<String, SequenceDefinition> sequences;
    private final long horizon;
    private transient MapState<String, Long> expiries;

    /**
     * The latest exitOn event of each audience. A match of a sequence ending in an absence is
     * emitted when the watermark passes its end, which can reach this operator after a later exitOn
     * event: a match older than the last exit event enters and exits at once.
     */
    private transient MapState<String, Long> lastExits;

    /**
     * @param sequences the sequence audiences, by id
     * @param horizon no match or expiry after this event time is acted on (a replay's end)
     */
    SequenceMembershipFunction(Map<String, SequenceDefinition> sequences, long horizon) {
        this.sequences = Map.copyOf(sequences);
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        expiries =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>(EXPIRIES, Types.STRING, Types.LONG));
        lastExits =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(LAST_EXITS, Types.STRING, Types.LONG));
    }

    @Override
    public void processElement(
            SequenceInput input, ReadOnlyContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        if (input.event() != null) {
            onEvent(input.event(), out);
        } else if (active(input.match().audienceId(), ctx.getBroadcastState(CONTROL))) {
            onMatch(input.match(), ctx, out);
        }
    }

    private void onEvent(ResolvedEvent event, Collector<AudienceTransition> out) throws Exception {
        EventFields fields = new EventFields(event.event());
        long time = event.event().eventTime();
        for (SequenceDefinition sequence : sequences.values()) {
            if (sequence.exitOn() == null
                    || !PredicateEvaluator.test(sequence.exitOn(), fields, time)) {
                continue;
            }
            Long last = lastExits.get(sequence.id());
            lastExits.put(sequence.id(), last == null ? time : Math.max(last, time));
            if (expiries.contains(sequence.id())) {
                expiries.remove(sequence.id());
                out.collect(transition(event.profileId(), sequence, false, "exit_event", time));
            }
        }
    }

    private void onMatch(
            SequenceMatch match, ReadOnlyContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        if (match.at() > horizon) {
            return;
        }
        SequenceDefinition sequence = sequences.get(match.audienceId());
        Long expiry = expiries.get(match.audienceId());
        if (expiry == null) {
            out.collect(
                    transition(match.profileId(), sequence, true, "sequence_match", match.at()));
        }
        Long lastExit = lastExits.get(match.audienceId());
        if (lastExit != null && lastExit > match.at()) {
            // The exit event came after the match in event time but reached us first.
            expiries.remove(match.audienceId());
            out.collect(transition(match.profileId(), sequence, false, "exit_event", lastExit));
            return;
        }
        long extended =
                Math.max(
                        expiry == null ? Long.MIN_VALUE : expiry,
                        match.at() + sequence.ttl().toMillis());
        expiries.put(match.audienceId(), extended);
        ctx.timerService().registerEventTimeTimer(extended);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        if (timestamp > horizon) {
            return;
        }
        List<Map.Entry<String, Long>> due = new ArrayList<>();
        expiries.entries()
                .forEach(
                        e -> {
                            if (e.getValue() <= timestamp) {
                                due.add(Map.entry(e.getKey(), e.getValue()));
                            }
                        });
        for (Map.Entry<String, Long> entry : due) {
            expiries.remove(entry.getKey());
            SequenceDefinition sequence = sequences.get(entry.getKey());
            if (sequence != null) {
                out.collect(
                        transition(ctx.getCurrentKey(), sequence, false, "ttl", entry.getValue()));
            }
        }
    }

    @Override
    public void processBroadcastElement(
            DefinitionUpdate update, Context ctx, Collector<AudienceTransition> out)
            throws Exception {
        String audienceId =
                update.key().startsWith("audience/")
                        ? update.key().substring("audience/".length())
                        : null;
        SequenceDefinition sequence = audienceId == null ? null : sequences.get(audienceId);
        if (sequence == null) {
            if (audienceId != null
                    && update.json() != null
                    && update.json().contains("\"sequence\"")) {
                LOG.info(
                        "Sequence audience {} is new: it takes effect at the next start (a"
                                + " savepoint upgrade)",
                        audienceId);
            }
            return;
        }
        Control incoming = Control.of(update);
        if (incoming == null) {
            return; // not readable: the profile stage reports it on the rejected topic
        }
        BroadcastState<String, String> control = ctx.getBroadcastState(CONTROL);
        String stored = control.get(update.key());
        long known = stored == null ? sequence.version() : Control.parse(stored).version();
        if (incoming.version() <= known) {
            return; // stale or a duplicate: highest version wins
        }
        control.put(update.key(), incoming.toString());
        if (incoming.active()) {
            LOG.info(
                    "Sequence audience {} version {} takes effect at the next start (a savepoint"
                            + " upgrade); memberships go on",
                    audienceId,
                    incoming.version());
            return;
        }
        ctx.applyToKeyedState(
                new MapStateDescriptor<>(EXPIRIES, Types.STRING, Types.LONG),
                (profileId, members) -> {
                    if (members.contains(audienceId)) {
                        members.remove(audienceId);
                        out.collect(
                                new AudienceTransition(
                                        profileId,
                                        audienceId,
                                        sequence.name(),
                                        incoming.version(),
                                        false,
                                        "definition_change",
                                        ctx.currentWatermark()));
                    }
                });
    }

    private boolean active(String audienceId, ReadOnlyBroadcastState<String, String> control)
            throws Exception {
        String stored = control.get("audience/" + audienceId);
        return stored == null || Control.parse(stored).active();
    }

    /** A sequence audience's status as the control topic last set it. */
    private record Control(boolean active, long version) {
        static Control of(DefinitionUpdate update) {
            if (update.json() == null) {
                return new Control(false, Long.MAX_VALUE);
            }
            try {
                JsonNode definition = new ObjectMapper().readTree(update.json());
                if (!definition.path("version").canConvertToExactIntegral()) {
                    return null;
                }
                return new Control(
                        "active".equals(definition.path("status").asText()),
                        definition.path("version").asLong());
            } catch (JsonProcessingException notJson) {
                return null;
            }
        }

        static Control parse(String stored) {
            int at = stored.indexOf('@');
            return new Control(
                    stored.substring(0, at).equals("active"),
                    Long.parseLong(stored.substring(at + 1)));
        }

        @Override
        public String toString() {
            return (active ? "active" : "stopped") + "@" + version;
        }
    }

    private static AudienceTransition transition(
            String profileId,
            SequenceDefinition sequence,
            boolean entered,
            String trigger,
            long at) {
        return new AudienceTransition(
                profileId,
                sequence.id(),
                sequence.name(),
                sequence.version(),
                entered,
                trigger,
                at);
    }
}
