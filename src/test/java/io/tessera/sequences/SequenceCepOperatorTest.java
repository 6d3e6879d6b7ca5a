package io.tessera.sequences;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import io.tessera.model.Identifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * {@link SequenceCepOperator} gives Flink's CEP operator's results, with fewer timer firings: the
 * bench's three sequences over random streams of several people, watermarks that pass many of a
 * person's timers at once, and late events.
 */
class SequenceCepOperatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OutputTag<ResolvedEvent> LATE = new OutputTag<>("late") {};
    private static final String[] NAMES = {
        "Product Viewed", "Product Viewed", "Product Viewed", "Product Added", "Order Completed"
    };

    @Test
    void givesFlinkCepsMatchesOnRandomStreams() throws Exception {
        List<SequenceDefinition> sequences = benchSequences();
        assertEquals(3, sequences.size());
        int matches = 0;
        int late = 0;
        for (SequenceDefinition sequence : sequences) {
            for (int seed = 0; seed < 40; seed++) {
                List<Object> input = stream(new Random(seed), new SequenceEvents(sequence));
                List<String> flink = run(plainCep(sequence), input, false);
                List<String> ours = run(sequenceCep(sequence), input, false);
                assertEquals(flink, ours, sequence.id() + ", seed " + seed);
                if (seed < 8) {
                    // on RocksDB a value read is a copy, on the heap the stored object itself:
                    // the maps kept decoded must give the same results on both
                    assertEquals(
                            flink,
                            run(sequenceCep(sequence), input, true),
                            sequence.id() + ", seed " + seed + ", RocksDB");
                }
                matches += flink.stream().filter(o -> o.contains("SequenceMatch")).count();
                late += flink.stream().filter(o -> o.startsWith("late")).count();
            }
        }
        assertTrue(matches > 300 && late > 30, "matches " + matches + ", late events " + late);
    }

    /**
     * A savepoint of Flink's CEP operator (its four map states as map states: events counts left at
     * the watermark, buffered events, open partial matches' events and nodes) restores into {@link
     * SequenceCepOperator}, which goes on as Flink's would, on the heap and on RocksDB.
     */
    @Test
    void restoresASavepointOfFlinksCepAndGoesOnAlike() throws Exception {
        SequenceDefinition views =
                benchSequences().get(2); // repeat_viewer: a day of partial matches
        assertEquals("repeat_viewer", views.id());
        Map<String, Integer> moved = new HashMap<>();
        for (boolean rocksDb : new boolean[] {false, true}) {
            for (int seed = 0; seed < 8; seed++) {
                List<Object> input = stream(new Random(seed), new SequenceEvents(views));
                int half = input.size() / 2;
                // a watermark at the last event's time leaves CEP's count of that time behind
                for (int i = half - 1; i >= 0; i--) {
                    if (input.get(i) instanceof StreamRecord<?> record) {
                        input.add(half, new Watermark(record.getTimestamp()));
                        half++;
                        break;
                    }
                }
                OperatorSubtaskState savepoint;
                List<String> before;
                try (var harness = harness(plainCep(views), rocksDb)) {
                    harness.open();
                    feed(harness, input.subList(0, half));
                    before = outputs(harness);
                    savepoint = harness.snapshot(1, 1);
                }
                List<String> flink;
                try (var harness = harness(plainCep(views), rocksDb)) {
                    harness.initializeState(savepoint);
                    harness.open();
                    feed(harness, input.subList(half, input.size()));
                    flink = outputs(harness);
                }
                // ours restores Flink's savepoint, goes on, and restores its own savepoint of that
                // (at a watermark: a restored operator's watermark starts low, as Flink's does)
                int threeQuarters = half + (input.size() - half) / 2;
                while (!(input.get(threeQuarters) instanceof Watermark)) {
                    threeQuarters++;
                }
                List<String> ours = new ArrayList<>();
                OperatorSubtaskState own;
                SequenceCepOperator<SequenceMatch> operator = sequenceCep(views);
                try (var harness = harness(operator, rocksDb)) {
                    harness.initializeState(savepoint);
                    operator.moved.forEach((name, count) -> moved.merge(name, count, Integer::sum));
                    harness.open();
                    feed(harness, input.subList(half, threeQuarters));
                    ours.addAll(outputs(harness));
                    own = harness.snapshot(2, 2);
                }
                SequenceCepOperator<SequenceMatch> restored = sequenceCep(views);
                try (var harness = harness(restored, rocksDb)) {
                    harness.initializeState(own);
                    assertTrue(
                            restored.moved.values().stream().allMatch(count -> count == 0),
                            "nothing left in Flink's layout: " + restored.moved);
                    harness.open();
                    feed(harness, input.subList(threeQuarters, input.size()));
                    ours.addAll(outputs(harness));
                }
                assertEquals(
                        outputsInOrder(flink),
                        outputsInOrder(ours),
                        "seed " + seed + (rocksDb ? ", RocksDB" : ", heap"));
                assertTrue(!before.isEmpty() && !flink.isEmpty(), "seed " + seed);
            }
        }
        // every state of CEP's held something in some savepoint and was moved into the one value:
        // the NFA state, the counts, the buffered events, and the partial matches' events and nodes
        Set<String> states = new HashSet<>(SequenceCepOperator.PARTS.keySet());
        states.add(SequenceCepOperator.CEP_NFA_STATE);
        assertEquals(states, moved.keySet());
        moved.forEach(
                (name, count) ->
                        assertTrue(count > 0, "no savepoint held " + name + " in Flink's layout"));
    }

    /**
     * A profile keeps one timer for its partial matches' window ends, where Flink's operator keeps
     * one for every partial match it started: over a day of product views, `repeat_viewer`'s timers
     * in the middle of random streams of four people.
     */
    @Test
    void keepsOneWindowEndTimerPerProfile() throws Exception {
        SequenceDefinition views = benchSequences().get(2);
        assertEquals("repeat_viewer", views.id());
        int flinks = 0;
        int ours = 0;
        for (int seed = 0; seed < 8; seed++) {
            List<Object> input = stream(new Random(seed), new SequenceEvents(views));
            List<Object> half = input.subList(0, input.size() / 2);
            try (var harness = harness(plainCep(views), true)) {
                harness.open();
                feed(harness, half);
                flinks += harness.numEventTimeTimers();
            }
            try (var harness = harness(sequenceCep(views), true)) {
                harness.open();
                feed(harness, half);
                ours += harness.numEventTimeTimers();
            }
        }
        assertTrue(
                ours * 3 < flinks,
                "timers in the middle of the streams: " + ours + ", Flink's " + flinks);
    }

    @Test
    void firesAKeysFirstTimerOfEachWatermarkOnly() throws Exception {
        List<String> fired = new ArrayList<>();
        long[] watermark = {0};
        int[] skipped = {0};
        SequenceCepOperator.OncePerWatermark<String, String> once =
                new SequenceCepOperator.OncePerWatermark<>(
                        new Triggerable<>() {
                            @Override
                            public void onEventTime(InternalTimer<String, String> timer) {
                                fired.add(timer.getKey() + "@" + timer.getTimestamp());
                            }

                            @Override
                            public void onProcessingTime(InternalTimer<String, String> timer) {
                                fired.add("processing " + timer.getKey());
                            }
                        },
                        () -> skipped[0]++);
        once.service = watermarkOnly(watermark);

        watermark[0] = 100;
        once.onEventTime(new TimerHeapInternalTimer<>(10, "a", "n"));
        once.onEventTime(new TimerHeapInternalTimer<>(20, "b", "n"));
        once.onEventTime(new TimerHeapInternalTimer<>(30, "a", "n"));
        once.onEventTime(new TimerHeapInternalTimer<>(100, "a", "n"));
        watermark[0] = 200;
        once.onEventTime(new TimerHeapInternalTimer<>(150, "a", "n"));
        once.onProcessingTime(new TimerHeapInternalTimer<>(150, "a", "n"));

        assertEquals(List.of("a@10", "b@20", "a@150", "processing a"), fired);
        assertEquals(2, skipped[0]);
    }

    /**
     * Events of four people at random times, ahead of a watermark that jumps by up to an hour and a
     * half, so that some events come late; only those the sequence uses.
     */
    private static List<Object> stream(Random random, SequenceEvents relevant) throws Exception {
        List<Object> input = new ArrayList<>();
        long time = 1_700_000_000_000L;
        long watermark = time;
        for (int i = 0; i < 300; i++) {
            if (random.nextInt(6) == 0) {
                watermark = Math.max(watermark, time - random.nextInt(30 * 60_000));
                input.add(new Watermark(watermark));
            }
            time += random.nextInt(8 * 60_000);
            long at = time - random.nextInt(20 * 60_000);
            String person = "p" + random.nextInt(4);
            ResolvedEvent event =
                    new ResolvedEvent(
                            person,
                            new CustomerEvent(
                                    person + "-" + i,
                                    "track",
                                    NAMES[random.nextInt(NAMES.length)],
                                    at,
                                    List.of(new Identifier("user_id", person)),
                                    null,
                                    "{\"properties\":{\"product_id\":\"sku-"
                                            + random.nextInt(3)
                                            + "\"}}",
                                    CustomerEvent.DEFAULT_TENANT));
            List<ResolvedEvent> kept = new ArrayList<>();
            relevant.flatMap(event, new ListCollector<>(kept));
            for (ResolvedEvent e : kept) {
                input.add(new StreamRecord<>(e, at));
            }
        }
        input.add(new Watermark(Long.MAX_VALUE));
        return input;
    }

    private static List<String> run(
            OneInputStreamOperator<ResolvedEvent, SequenceMatch> operator,
            List<Object> input,
            boolean rocksDb)
            throws Exception {
        try (var harness = harness(operator, rocksDb)) {
            harness.open();
            feed(harness, input);
            return outputs(harness);
        }
    }

    private static KeyedOneInputStreamOperatorTestHarness<String, ResolvedEvent, SequenceMatch>
            harness(OneInputStreamOperator<ResolvedEvent, SequenceMatch> operator, boolean rocksDb)
                    throws Exception {
        var harness =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        operator, ResolvedEvent::profileId, Types.STRING);
        if (rocksDb) {
            harness.setStateBackend(new EmbeddedRocksDBStateBackend());
        }
        return harness;
    }

    private static void feed(
            KeyedOneInputStreamOperatorTestHarness<String, ResolvedEvent, SequenceMatch> harness,
            List<Object> input)
            throws Exception {
        for (Object element : input) {
            if (element instanceof Watermark mark) {
                harness.processWatermark(mark);
            } else {
                @SuppressWarnings("unchecked")
                StreamRecord<ResolvedEvent> record = (StreamRecord<ResolvedEvent>) element;
                harness.processElement(record);
            }
        }
    }

    /**
     * Outputs of runs one after the other, their late events after the rest as one run lists them.
     */
    private static List<String> outputsInOrder(List<String> outputs) {
        List<String> ordered = new ArrayList<>();
        outputs.stream().filter(o -> !o.startsWith("late ")).forEach(ordered::add);
        outputs.stream().filter(o -> o.startsWith("late ")).forEach(ordered::add);
        return ordered;
    }

    /**
     * What the operator emitted: the watermarks in their order, and between two of them the matches
     * of each profile in their order. Matches of different profiles between the same watermarks are
     * listed by profile: they come from timers of one watermark, fired in the order of their times,
     * and whether a profile's first timer of a watermark is the window end of a partial match that
     * ended sooner (which Flink's operator keeps and this one does not) changes nothing but that
     * order.
     */
    private static List<String> outputs(
            KeyedOneInputStreamOperatorTestHarness<String, ResolvedEvent, SequenceMatch> harness) {
        List<String> out = new ArrayList<>();
        List<StreamRecord<SequenceMatch>> between = new ArrayList<>();
        for (Object o : harness.getOutput()) {
            if (o instanceof StreamRecord<?> record && record.getValue() instanceof SequenceMatch) {
                @SuppressWarnings("unchecked")
                StreamRecord<SequenceMatch> match = (StreamRecord<SequenceMatch>) record;
                between.add(match);
                continue;
            }
            between.sort(Comparator.comparing(r -> r.getValue().profileId()));
            between.forEach(r -> out.add(String.valueOf(r)));
            between.clear();
            out.add(String.valueOf(o));
        }
        between.sort(Comparator.comparing(r -> r.getValue().profileId()));
        between.forEach(r -> out.add(String.valueOf(r)));
        var late = harness.getSideOutput(LATE);
        if (late != null) {
            for (var record : late) {
                out.add("late " + record.getValue().event().messageId());
            }
        }
        return out;
    }

    private static List<SequenceDefinition> benchSequences() throws Exception {
        List<SequenceDefinition> sequences = new ArrayList<>();
        for (JsonNode definition :
                JSON.readTree(
                        Path.of("src/tools/resources/bench-pipeline-definitions.json").toFile())) {
            if ("sequence".equals(definition.path("type").asText())) {
                sequences.add(SequenceDefinition.of(definition));
            }
        }
        return sequences;
    }

    private static TypeSerializer<ResolvedEvent> serializer() {
        return TypeInformation.of(ResolvedEvent.class)
                .createSerializer(new ExecutionConfig().getSerializerConfig());
    }

    private static CepOperator<ResolvedEvent, String, SequenceMatch> plainCep(
            SequenceDefinition sequence) {
        Pattern<ResolvedEvent, ?> pattern = PatternCompiler.compile(sequence);
        return new CepOperator<>(
                serializer(),
                false,
                NFACompiler.compileFactory(pattern, false),
                null,
                pattern.getAfterMatchSkipStrategy(),
                new SequenceMatchFunction(sequence),
                LATE);
    }

    private static SequenceCepOperator<SequenceMatch> sequenceCep(SequenceDefinition sequence) {
        return new SequenceCepOperator<>(
                PatternCompiler.compile(sequence), new SequenceMatchFunction(sequence), LATE);
    }

    /** A timer service that only tells the watermark. */
    private static InternalTimerService<String> watermarkOnly(long[] watermark) {
        return new InternalTimerService<>() {
            @Override
            public long currentProcessingTime() {
                throw new UnsupportedOperationException();
            }

            @Override
            public long currentWatermark() {
                return watermark[0];
            }

            @Override
            public void initializeWatermark(long watermark) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void registerProcessingTimeTimer(String namespace, long time) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void deleteProcessingTimeTimer(String namespace, long time) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void registerEventTimeTimer(String namespace, long time) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void deleteEventTimeTimer(String namespace, long time) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void forEachEventTimeTimer(
                    org.apache.flink.util.function.BiConsumerWithException<String, Long, Exception>
                            consumer) {
                throw new UnsupportedOperationException();
            }

            @Override
            public void forEachProcessingTimeTimer(
                    org.apache.flink.util.function.BiConsumerWithException<String, Long, Exception>
                            consumer) {
                throw new UnsupportedOperationException();
            }
        };
    }
}
