package io.tessera.sequences;

import io.tessera.definitions.PredicateEvaluator;
import io.tessera.identity.ResolvedEvent;
import io.tessera.profile.AudienceTransition;
import io.tessera.traits.EventFields;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sequence audience membership per profile (definitions.md): enter on a match when not a member;
 * every match extends the expiry to {@code max(expiry, match + ttl)}; exit on the first {@code
 * exitOn} event or when the expiry passes. One event-time timer per expiry.
 */
final class SequenceMembershipFunction
        extends KeyedCoProcessFunction<String, ResolvedEvent, SequenceMatch, AudienceTransition> {
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
    public void processElement1(ResolvedEvent event, Context ctx, Collector<AudienceTransition> out)
            throws Exception {
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

    @Override
    public void processElement2(SequenceMatch match, Context ctx, Collector<AudienceTransition> out)
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
