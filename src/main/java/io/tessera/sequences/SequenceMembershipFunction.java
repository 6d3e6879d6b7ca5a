package io.tessera.sequences;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.definitions.DefinitionUpdate;
import io.tessera.profile.AudienceTransition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sequence audience membership per profile (definitions.md): enter on a match when not a member;
 * every match extends the expiry to {@code max(expiry, match + ttl)}; exit on the first {@code
 * exitOn} event, when the expiry passes, or at once when the control topic pauses or deletes the
 * audience. Matches, exit events and expiries apply in event-time order, each at its time's timer
 * ({@link MembershipTimeline}). A changed sequence applies at the next start.
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

    static final String PENDING = "sequence-pending";

    private final Map<String, SequenceDefinition> sequences;
    private final Map<String, Long> ttl;
    private final long horizon;
    private transient MapState<String, Long> expiries;

    /** Matches and exit events that arrived behind the watermark ({@code sequences.behind}). */
    private transient Counter behind;

    /**
     * Matches and exitOn events not yet applied, by event time ({@code m:<audience>} or {@code
     * x:<audience>}). An event comes straight from identity, a match only once the CEP operator's
     * watermark passed it: each waits for its own time's timer, so both apply in event-time order
     * with the expiries (an exit event never overtakes an earlier match, an expiry never a later
     * one).
     */
    private transient MapState<Long, List<String>> pending;

    /**
     * @param sequences the sequence audiences, by id
     * @param horizon no match or expiry after this event time is acted on (a replay's end)
     */
    SequenceMembershipFunction(Map<String, SequenceDefinition> sequences, long horizon) {
        this.sequences = Map.copyOf(sequences);
        Map<String, Long> ttl = new HashMap<>();
        sequences.forEach((id, sequence) -> ttl.put(id, sequence.ttl().toMillis()));
        this.ttl = Map.copyOf(ttl);
        this.horizon = horizon;
    }

    @Override
    public void open(OpenContext openContext) {
        behind = getRuntimeContext().getMetricGroup().addGroup("sequences").counter("behind");
        expiries =
                getRuntimeContext()
                        .getMapState(new MapStateDescriptor<>(EXPIRIES, Types.STRING, Types.LONG));
        pending =
                getRuntimeContext()
                        .getMapState(
                                new MapStateDescriptor<>(
                                        PENDING, Types.LONG, Types.LIST(Types.STRING)));
    }

    @Override
    public void processElement(
            SequenceInput input, ReadOnlyContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        long at = input.at();
        if (at > horizon) {
            return;
        }
        hold(at, (input.match() ? "m:" : "x:") + input.audienceId());
        long watermark = ctx.timerService().currentWatermark();
        if (at <= watermark) {
            // Behind the watermark already: a timer at its time would only fire at the next
            // watermark, and there may be none (a source that went idle, a replay's last one).
            // This happens when a CEP subtask's channel comes back from idle behind the others.
            behind.inc();
            apply(watermark, ctx, out);
        } else {
            ctx.timerService().registerEventTimeTimer(at);
        }
    }

    /** Keeps a happening until the watermark reaches its time. */
    private void hold(long at, String happening) throws Exception {
        List<String> held = pending.get(at);
        List<String> updated = held == null ? new ArrayList<>() : new ArrayList<>(held);
        updated.add(happening);
        pending.put(at, updated);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        if (timestamp > horizon) {
            return;
        }
        apply(timestamp, ctx, out);
    }

    /**
     * Applies what is held up to {@code timestamp} with the expiries, in event-time order, and
     * emits the transitions.
     */
    private void apply(long timestamp, ReadOnlyContext ctx, Collector<AudienceTransition> out)
            throws Exception {
        ReadOnlyBroadcastState<String, String> control = ctx.getBroadcastState(CONTROL);
        List<MembershipTimeline.Happening> happenings = new ArrayList<>();
        List<Long> applied = new ArrayList<>();
        for (Map.Entry<Long, List<String>> entry : pending.entries()) {
            if (entry.getKey() > timestamp) {
                continue;
            }
            applied.add(entry.getKey());
            for (String held : entry.getValue()) {
                String audienceId = held.substring(2);
                boolean match = held.startsWith("m:");
                // A match of an audience paused since, or no longer compiled, enters nothing.
                if (sequences.containsKey(audienceId) && (!match || active(audienceId, control))) {
                    happenings.add(
                            new MembershipTimeline.Happening(entry.getKey(), match, audienceId));
                }
            }
        }
        for (Long at : applied) {
            pending.remove(at);
        }
        Map<String, Long> before = new HashMap<>();
        expiries.entries().forEach(e -> before.put(e.getKey(), e.getValue()));
        Map<String, Long> after = new HashMap<>(before);
        List<MembershipTimeline.Change> changes =
                MembershipTimeline.advance(after, happenings, ttl, timestamp);
        for (String audienceId : before.keySet()) {
            if (!after.containsKey(audienceId)) {
                expiries.remove(audienceId);
            }
        }
        for (Map.Entry<String, Long> entry : after.entrySet()) {
            if (!entry.getValue().equals(before.get(entry.getKey()))) {
                expiries.put(entry.getKey(), entry.getValue());
                ctx.timerService().registerEventTimeTimer(entry.getValue());
            }
        }
        for (MembershipTimeline.Change change : changes) {
            SequenceDefinition sequence = sequences.get(change.audienceId());
            if (sequence != null) {
                out.collect(
                        transition(
                                ctx.getCurrentKey(),
                                sequence,
                                change.entered(),
                                change.trigger(),
                                change.at()));
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
