package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import java.io.IOException;
import java.lang.reflect.Field;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.SerializerFactory;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.ComputationState;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.DefaultKeyedStateStore;
import org.apache.flink.runtime.state.KeyGroupStatePartitionStreamProvider;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StatePartitionStreamProvider;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.shaded.guava33.com.google.common.cache.Cache;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.function.BiConsumerWithException;
import org.apache.flink.util.function.ThrowingRunnable;

/**
 * Flink's {@link CepOperator}, unchanged but for five things. First, a key's event-time timers fire
 * once per watermark. CEP registers a timer for every timestamp it buffers under a key and for
 * every new partial match's window end. When the watermark passes several of them at once (a job
 * reading a backlog, a burst of one person's events), the first firing processes every buffered
 * element up to the watermark and advances the key's time to it; each later one finds nothing to
 * process and advances to the same time again, which changes nothing but costs CEP's reads and its
 * shared buffer's seeks ({@code SharedBuffer.advanceTime}, the job's largest cost). Those later
 * firings are skipped. No element can arrive between the timers of one watermark: they fire in one
 * step.
 *
 * <p>Second, CEP stores each event in a compact form without its profile id ({@link
 * SequenceEventSerializer}): the key carries it.
 *
 * <p>Third, a profile's CEP state is one value ({@link CepProfileState}): CEP's NFA state and its
 * four map states, each of which CEP is given as a map over a part of that value ({@link
 * OneValueMapState}). The two maps keyed by timestamp (its buffer of events waiting for the
 * watermark and its count of events per timestamp) are then no seeks over deletions; its shared
 * buffer's events and nodes, which hold a profile's open partial matches, are no longer two RocksDB
 * entries per event held, each carrying the profile id in its key. The value is read once when the
 * operator turns to a profile and written back once when it is done with it, at the end of each
 * element and each timer. Its size grows with a profile's open partial matches, as CEP's own NFA
 * state already did. A savepoint of Flink's layout (release 0.1) has every state moved into it on
 * restore; the timers are CEP's own.
 *
 * <p>Fourth, a profile keeps one timer for the ends of its partial matches' window, the first of
 * them, where CEP keeps one per partial match it started ({@link OneWindowTimer}).
 *
 * <p>Fifth, CEP's shared buffer keeps no Guava cache in front of its maps ({@link
 * WriteThroughCache}): the one value kept decoded does that work.
 */
final class SequenceCepOperator<OUT> extends CepOperator<ResolvedEvent, String, OUT> {
    private static final long serialVersionUID = 1L;

    /** CEP's own name for its events count (its shared buffer's map state). */
    static final String CEP_EVENTS_COUNT = "sharedBuffer-events-count";

    /** CEP's own name for its buffer of events waiting for the watermark. */
    static final String CEP_EVENT_QUEUE = "eventQueuesStateName";

    /** CEP's own name for its shared buffer's events (those its partial matches hold). */
    static final String CEP_EVENTS = "sharedBuffer-events";

    /** CEP's own name for its shared buffer's nodes (the partial matches' paths). */
    static final String CEP_NODES = "sharedBuffer-entries-with-lockable-edges";

    /** CEP's map states, each kept as a part of the profile's one value, by CEP's name. */
    static final Map<String, Integer> PARTS =
            Map.of(
                    CEP_EVENTS_COUNT, CepProfileState.EVENTS_COUNT,
                    CEP_EVENT_QUEUE, CepProfileState.EVENT_QUEUE,
                    CEP_EVENTS, CepProfileState.SHARED_EVENTS,
                    CEP_NODES, CepProfileState.SHARED_NODES);

    private transient Counter skipped;

    SequenceCepOperator(
            Pattern<ResolvedEvent, ?> pattern,
            PatternProcessFunction<ResolvedEvent, OUT> function,
            OutputTag<ResolvedEvent> lateDataOutputTag) {
        super(
                SequenceEventSerializer.INSTANCE,
                false,
                NFACompiler.compileFactory(pattern, false),
                null,
                pattern.getAfterMatchSkipStrategy(),
                function,
                lateDataOutputTag);
        this.window = windowOf(pattern);
    }

    /** The NFA's window in ms, as CEP's compiler takes it (the least of the pattern's), or 0. */
    private static long windowOf(Pattern<ResolvedEvent, ?> pattern) {
        long window = Long.MAX_VALUE;
        for (Pattern<ResolvedEvent, ?> p = pattern; p != null; p = p.getPrevious()) {
            window =
                    Math.min(
                            window,
                            p.getWindowSize().map(Duration::toMillis).orElse(Long.MAX_VALUE));
        }
        return window == Long.MAX_VALUE ? 0 : window;
    }

    /** CEP's own name for its NFA state (a profile's partial matches). */
    static final String CEP_NFA_STATE = "nfaStateName";

    /** The pattern's window in ms, or 0 when it has none. */
    private final long window;

    /** CEP's NFA state, as it read or wrote it last: the partial matches after a timer. */
    private transient SeenNfaState nfaStates;

    /** CEP's NFA state, remembering the value CEP last read, wrote or cleared. */
    private static final class SeenNfaState implements ValueState<NFAState> {
        private final ValueState<NFAState> state;

        /** Whether CEP read, wrote or cleared the state since {@link #unseen}. */
        private boolean seen;

        /** What it saw then: the value read or written, or null when cleared. */
        private NFAState last;

        SeenNfaState(ValueState<NFAState> state) {
            this.state = state;
        }

        /** Forgets what was seen: the next {@link #lastSeen} reads the state. */
        void unseen() {
            seen = false;
            last = null;
        }

        /** The value CEP last read, wrote or cleared since {@link #unseen}, else the stored one. */
        NFAState lastSeen() throws IOException {
            return seen ? last : state.value();
        }

        @Override
        public NFAState value() throws IOException {
            NFAState value = state.value();
            seen = true;
            last = value;
            return value;
        }

        @Override
        public void update(NFAState value) throws IOException {
            state.update(value);
            seen = true;
            last = value;
        }

        @Override
        public void clear() {
            state.clear();
            seen = true;
            last = null;
        }
    }

    /** CEP's map states it asked for, as {@link OneValueMapState}s. */
    private transient Map<String, MapStateDescriptor<?, ?>> replaced;

    /** The maps CEP was given for them, by CEP's name. */
    private transient Map<String, MapState<?, ?>> maps;

    /**
     * CEP's shared buffer writes its events and nodes straight to its maps ({@link
     * WriteThroughCache}) instead of through the Guava caches it keeps in front of them. The shared
     * buffer and its caches are private to Flink CEP: they are set by reflection, checked here.
     */
    private void writeThrough() throws ReflectiveOperationException {
        Field buffer = CepOperator.class.getDeclaredField("partialMatches");
        buffer.setAccessible(true);
        Object shared = buffer.get(this);
        if (!(shared instanceof SharedBuffer<?>)) {
            throw new IllegalStateException("Flink CEP holds no shared buffer, but " + shared);
        }
        setCache(shared, "eventsBufferCache", maps.get(CEP_EVENTS));
        setCache(shared, "entryCache", maps.get(CEP_NODES));
    }

    private static void setCache(Object shared, String name, MapState<?, ?> map)
            throws ReflectiveOperationException {
        Field cache = SharedBuffer.class.getDeclaredField(name);
        cache.setAccessible(true);
        if (!(cache.get(shared) instanceof Cache<?, ?>)) {
            throw new IllegalStateException(
                    "Flink CEP's shared buffer keeps no Guava cache in " + name);
        }
        cache.set(shared, new WriteThroughCache<>(map));
    }

    /** A profile's CEP state as one value. */
    private transient CepProfileState profileState;

    /** The serializer of CEP's NFA state, as CEP asked for it. */
    private transient TypeSerializer<NFAState> nfaSerializer;

    /**
     * For each of CEP's states (its NFA state and its map states), how many profiles' entries a
     * restore moved from Flink's layout into the one value (for tests).
     */
    transient Map<String, Integer> moved;

    /**
     * CEP's state as one value per profile; a savepoint of Flink's layout has its states moved into
     * it when it is restored.
     */
    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        replaced = new HashMap<>();
        maps = new HashMap<>();
        profileState = new CepProfileState(() -> getKeyedStateBackend().getCurrentKey());
        super.initializeState(new MapsReplacing(context));
        writeThrough();
        if (!replaced.keySet().equals(PARTS.keySet()) || nfaSerializer == null) {
            throw new IllegalStateException(
                    "Flink CEP no longer asks for its NFA state and its map states "
                            + PARTS.keySet()
                            + ", only for "
                            + replaced.keySet()
                            + (nfaSerializer == null ? " without an NFA state" : ""));
        }
        TypeSerializer<?>[] parts = new TypeSerializer<?>[CepProfileState.PARTS];
        parts[CepProfileState.NFA] = nfaSerializer;
        replaced.forEach(
                (name, map) ->
                        parts[PARTS.get(name)] =
                                new MapSerializer<>(
                                        map.getKeySerializer(), map.getValueSerializer()));
        profileState.storedIn(
                context.getKeyedStateStore()
                        .getState(
                                new ValueStateDescriptor<>(
                                        CepProfileState.NAME,
                                        new CepProfileStateSerializer(parts))));
        moved = new HashMap<>();
        if (context.isRestored()) {
            moved.put(CEP_NFA_STATE, moveNfaStates());
            for (String name : PARTS.keySet()) {
                moved.put(name, moveFlinksLayout(replaced.get(name)));
            }
        }
    }

    /** The NFA states a savepoint kept as CEP does, moved into each profile's one value. */
    private int moveNfaStates() throws Exception {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        ValueState<NFAState> old =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new ValueStateDescriptor<>(CEP_NFA_STATE, nfaSerializer));
        ValueState<NFAState> into = profileState.part(CepProfileState.NFA);
        List<String> keys = keysOf(backend, CEP_NFA_STATE);
        for (String key : keys) {
            backend.setCurrentKey(key);
            into.update(old.value());
            profileState.flush();
            old.clear();
        }
        return keys.size();
    }

    /** The entries a savepoint kept in one of CEP's map states, moved into the one value. */
    private <K, V> int moveFlinksLayout(MapStateDescriptor<K, V> cep) throws Exception {
        KeyedStateBackend<String> backend = getKeyedStateBackend();
        MapState<K, V> old =
                backend.getPartitionedState(
                        VoidNamespace.INSTANCE,
                        VoidNamespaceSerializer.INSTANCE,
                        new MapStateDescriptor<>(
                                cep.getName(), cep.getKeySerializer(), cep.getValueSerializer()));
        ValueState<Map<K, V>> into = profileState.part(PARTS.get(cep.getName()));
        List<String> keys = keysOf(backend, cep.getName());
        for (String key : keys) {
            backend.setCurrentKey(key);
            Map<K, V> map = into.value() == null ? new HashMap<>() : into.value();
            for (Map.Entry<K, V> entry : old.entries()) {
                map.put(entry.getKey(), entry.getValue());
            }
            into.update(map);
            profileState.flush();
            old.clear();
        }
        return keys.size();
    }

    private static List<String> keysOf(KeyedStateBackend<String> backend, String state) {
        try (Stream<String> keys = backend.getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.toList();
        }
    }

    /**
     * The initialization context, with CEP's map states replaced by {@link OneValueMapState}s and
     * its NFA state by a {@link SeenNfaState}.
     */
    private final class MapsReplacing implements StateInitializationContext {
        private final StateInitializationContext context;

        MapsReplacing(StateInitializationContext context) {
            this.context = context;
        }

        @Override
        public boolean isRestored() {
            return context.isRestored();
        }

        @Override
        public OptionalLong getRestoredCheckpointId() {
            return context.getRestoredCheckpointId();
        }

        @Override
        public OperatorStateStore getOperatorStateStore() {
            return context.getOperatorStateStore();
        }

        @Override
        public KeyedStateStore getKeyedStateStore() {
            return new DefaultKeyedStateStore(
                    getKeyedStateBackend(),
                    new SerializerFactory() {
                        @Override
                        public <T> TypeSerializer<T> createSerializer(TypeInformation<T> type) {
                            return type.createSerializer(
                                    getExecutionConfig().getSerializerConfig());
                        }
                    }) {
                @Override
                @SuppressWarnings("unchecked")
                public <T> ValueState<T> getState(ValueStateDescriptor<T> descriptor) {
                    if (!CEP_NFA_STATE.equals(descriptor.getName())) {
                        return super.getState(descriptor);
                    }
                    nfaSerializer = (TypeSerializer<NFAState>) descriptor.getSerializer();
                    nfaStates = new SeenNfaState(profileState.part(CepProfileState.NFA));
                    return (ValueState<T>) nfaStates;
                }

                @Override
                public <UK, UV> MapState<UK, UV> getMapState(
                        MapStateDescriptor<UK, UV> descriptor) {
                    Integer part = PARTS.get(descriptor.getName());
                    if (part == null) {
                        return super.getMapState(descriptor);
                    }
                    replaced.put(descriptor.getName(), descriptor);
                    OneValueMapState<UK, UV> map = new OneValueMapState<>(profileState.part(part));
                    maps.put(descriptor.getName(), map);
                    return map;
                }
            };
        }

        @Override
        public Iterable<StatePartitionStreamProvider> getRawOperatorStateInputs() {
            return context.getRawOperatorStateInputs();
        }

        @Override
        public Iterable<KeyGroupStatePartitionStreamProvider> getRawKeyedStateInputs() {
            return context.getRawKeyedStateInputs();
        }
    }

    /**
     * Drops the value kept decoded: from the snapshot on, a heap backend may share a stored value
     * with it, and a value changed in place would change the snapshot.
     */
    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        profileState.forget();
        super.snapshotState(context);
    }

    @Override
    public void open() throws Exception {
        if (userFunction instanceof SequenceMatchFunction matches) {
            // the events CEP hands it are read from state, where they have no profile id
            matches.profileOf(() -> (String) getCurrentKey());
        }
        skipped =
                getRuntimeContext().getMetricGroup().addGroup("sequences").counter("timersSkipped");
        super.open();
    }

    @Override
    public void processElement(StreamRecord<ResolvedEvent> element) throws Exception {
        super.processElement(element);
        writeBack();
    }

    /** Writes the profile's one value back, once CEP is done with the profile. */
    private void writeBack() throws Exception {
        profileState.flush();
    }

    @Override
    public <K, N> InternalTimerService<N> getInternalTimerService(
            String name, TypeSerializer<N> namespaceSerializer, Triggerable<K, N> triggerable) {
        OneWindowTimer<K, N> windows = window == 0 ? null : new OneWindowTimer<>(triggerable);
        OncePerWatermark<K, N> once =
                new OncePerWatermark<>(
                        windows == null ? triggerable : windows, () -> skipped.inc());
        once.afterFiring = this::writeBack;
        InternalTimerService<N> service =
                super.getInternalTimerService(name, namespaceSerializer, once);
        once.service = service;
        if (windows == null) {
            return service;
        }
        windows.service = service;
        return windows.asService();
    }

    /**
     * A profile's timers for the ends of its partial matches' window, one at a time. CEP registers
     * a timer at the window's end for every partial match it starts (each product viewed opens one
     * for a day), and keeps each in state until it fires, though most partial matches end sooner.
     * At that timer it only advances the profile's time, which times out every partial match whose
     * window has ended. So only the first end among the profile's open partial matches needs a
     * timer: the registrations CEP makes while it handles a timer (the window ends of the partial
     * matches it starts) are held back, and once it is done, the first window end among the partial
     * matches its NFA state keeps is registered. A timer of a partial match that ended sooner still
     * fires; the time advances as it would have anyway. The timers for buffered events (registered
     * as an event arrives) pass as they are.
     */
    final class OneWindowTimer<K, N> implements Triggerable<K, N> {
        private final Triggerable<K, N> target;
        private boolean handling;
        InternalTimerService<N> service;

        OneWindowTimer(Triggerable<K, N> target) {
            this.target = target;
        }

        @Override
        public void onEventTime(InternalTimer<K, N> timer) throws Exception {
            handling = true;
            nfaStates.unseen();
            try {
                target.onEventTime(timer);
            } finally {
                handling = false;
            }
            NFAState state = nfaStates.lastSeen();
            if (state == null) {
                return;
            }
            long first = Long.MAX_VALUE;
            for (ComputationState partial : state.getPartialMatches()) {
                if (partial.getStartEventID() != null) { // (not the NFA's start state)
                    first = Math.min(first, partial.getStartTimestamp() + window);
                }
            }
            if (first != Long.MAX_VALUE && first > service.currentWatermark()) {
                service.registerEventTimeTimer(timer.getNamespace(), first);
            }
        }

        @Override
        public void onProcessingTime(InternalTimer<K, N> timer) throws Exception {
            target.onProcessingTime(timer);
        }

        /** The timer service CEP is given: window ends registered in a timer are held back. */
        InternalTimerService<N> asService() {
            return new InternalTimerService<>() {
                @Override
                public long currentProcessingTime() {
                    return service.currentProcessingTime();
                }

                @Override
                public long currentWatermark() {
                    return service.currentWatermark();
                }

                @Override
                public void initializeWatermark(long watermark) {
                    service.initializeWatermark(watermark);
                }

                @Override
                public void registerProcessingTimeTimer(N namespace, long time) {
                    service.registerProcessingTimeTimer(namespace, time);
                }

                @Override
                public void deleteProcessingTimeTimer(N namespace, long time) {
                    service.deleteProcessingTimeTimer(namespace, time);
                }

                @Override
                public void registerEventTimeTimer(N namespace, long time) {
                    if (!handling) {
                        service.registerEventTimeTimer(namespace, time);
                    }
                }

                @Override
                public void deleteEventTimeTimer(N namespace, long time) {
                    service.deleteEventTimeTimer(namespace, time);
                }

                @Override
                public void forEachEventTimeTimer(
                        BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
                    service.forEachEventTimeTimer(consumer);
                }

                @Override
                public void forEachProcessingTimeTimer(
                        BiConsumerWithException<N, Long, Exception> consumer) throws Exception {
                    service.forEachProcessingTimeTimer(consumer);
                }
            };
        }
    }

    /** Passes a key's first event-time timer of each watermark on, and skips the others. */
    static final class OncePerWatermark<K, N> implements Triggerable<K, N> {
        private final Triggerable<K, N> target;
        private final Runnable onSkip;
        private final Set<K> fired = new HashSet<>();
        private long firedAt = Long.MIN_VALUE;
        InternalTimerService<N> service;

        /** Run after each timer passed on (the operator writes its maps back). */
        ThrowingRunnable<Exception> afterFiring = () -> {};

        OncePerWatermark(Triggerable<K, N> target, Runnable onSkip) {
            this.target = target;
            this.onSkip = onSkip;
        }

        @Override
        public void onEventTime(InternalTimer<K, N> timer) throws Exception {
            long watermark = service.currentWatermark();
            if (watermark != firedAt) {
                fired.clear();
                firedAt = watermark;
            }
            if (fired.add(timer.getKey())) {
                target.onEventTime(timer);
                afterFiring.run();
            } else {
                onSkip.run();
            }
        }

        @Override
        public void onProcessingTime(InternalTimer<K, N> timer) throws Exception {
            target.onProcessingTime(timer);
            afterFiring.run();
        }
    }
}
