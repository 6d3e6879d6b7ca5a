package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a message whose messageId was already seen within the dedup window. Keyed as its Kafka
 * record was, else by the device that sent it ({@link DedupKey}): a redelivery meets its original
 * under the same key, and the events of one key keep their order. A key's memory of its messageIds
 * is one TTL'd value ({@link SeenDigests}): each id is forgotten a window after it was first seen
 * (processing time), and the value itself a window after its last write, so state stays bounded by
 * the ids seen in one window. A key that sees more than {@link SeenDigests#MAX_KEPT} ids in a
 * window keeps the rest as TTL'd entries of a map ({@link #SEEN_STATE}). RocksDB drops expired
 * state in compaction; heap state on snapshots and incrementally.
 *
 * <p>The memory of an id is a 64-bit digest of it (the first eight bytes of its SHA-256), not its
 * text: a UUID's 37 bytes become 8. Two ids of one key share a digest with odds of about
 * n<sup>2</sup>/2<sup>65</sup> for n ids in a window: never, in practice. Builds before 2026-12-05
 * kept each digest as an entry of the map, and builds before 2026-12-04 each id's text ({@link
 * #SEEN_TEXT_STATE}); after an upgrade both are still read for one window after the restore, never
 * written (but for the overflow), and expire by their TTL, so a redelivery of a message seen before
 * the upgrade is still dropped.
 *
 * <p>Numbered, it also gives each event its place among the events of its key from the same device
 * ({@link CustomerEvent#orderPosition}: a key written by two devices of a person holds two
 * sequences, as their events reach two profiles until something links them), so that distributed
 * identity, where one person's events reach their profile by several paths, credits them in this
 * order. The last place of a device is remembered for {@link #POSITION_MEMORY} after its last
 * event; a device quiet for longer starts again from 1.
 *
 * <p>Marking too ({@code namedFresh} set), it keeps what the key's events named ({@link
 * NamedIdentifiers}) and marks an event whose identifiers were all named before ({@link
 * CustomerEvent#identifiersNamed}): distributed identity sends it straight to its anchor's profile
 * instead of through a Gather. A delete forgets what the key named.
 */
public final class DeduplicateFunction
        extends KeyedProcessFunction<String, SourcedEvent, CustomerEvent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Job-wide count of dropped duplicates, read by bounded runs when they end. */
    public static final String DUPLICATES_ACCUMULATOR = "ingest.duplicates";

    /**
     * State name; part of the savepoint format. (Before 0.2 the state was {@code first-seen}, one
     * value keyed by messageId: left unread after an upgrade, it expires by its TTL.)
     */
    static final String SEEN_TEXT_STATE = "seen-message-ids";

    /**
     * State name; part of the savepoint format. Each digest an entry of a map: the layout of the
     * builds before 2026-12-05, now the overflow of a key that sees many ids in a window.
     */
    static final String SEEN_STATE = "seen-message-digests";

    /** State name; part of the savepoint format: a key's digests as one value. */
    static final String SEEN_VALUE_STATE = "seen-message-digest-list";

    /** State name; part of the savepoint format. */
    static final String POSITION_STATE = "device-positions";

    /** State name; part of the savepoint format. */
    static final String NAMED_STATE = "key-named-identifiers";

    private static final long UNKNOWN = -1;

    /** How long a key's last position is remembered after its last event. */
    public static final Duration POSITION_MEMORY = Duration.ofDays(30);

    private final Duration window;
    private final boolean numbered;
    private final Duration namedFresh;
    private transient ValueState<byte[]> seen;
    private transient MapState<Long, Boolean> seenOverflow;
    private transient MapState<String, Long> seenAsText;
    private transient boolean restored;
    private transient long layoutsBeforeUntil;
    private transient MessageDigest sha;
    private transient MapState<String, Long> positions;
    private transient ValueState<long[]> named;
    private transient Counter duplicates;
    private transient LongCounter duplicatesInJob;

    /** Deduplicates within the given window; a zero window lets everything through. */
    public DeduplicateFunction(Duration window) {
        this(window, false);
    }

    /**
     * Deduplicates within the given window (zero lets everything through) and, if {@code numbered},
     * numbers each key's events.
     */
    public DeduplicateFunction(Duration window, boolean numbered) {
        this(window, numbered, null);
    }

    /**
     * Deduplicates within the given window (zero lets everything through), numbers each key's
     * events if {@code numbered}, and, numbered with {@code namedFresh} set, marks the events whose
     * identifiers the key's events named within a list that began less than {@code namedFresh} ago.
     */
    public DeduplicateFunction(Duration window, boolean numbered, Duration namedFresh) {
        if (namedFresh != null && (!numbered || namedFresh.isNegative() || namedFresh.isZero())) {
            throw new IllegalArgumentException(
                    "events are marked only when numbered, for a positive span: " + namedFresh);
        }
        this.window = window;
        this.numbered = numbered;
        this.namedFresh = namedFresh;
    }

    @Override
    public void open(OpenContext openContext) {
        if (!window.isZero()) {
            ValueStateDescriptor<byte[]> descriptor =
                    new ValueStateDescriptor<>(
                            SEEN_VALUE_STATE,
                            PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);
            MapStateDescriptor<Long, Boolean> overflow =
                    new MapStateDescriptor<>(SEEN_STATE, Types.LONG, Types.BOOLEAN);
            MapStateDescriptor<String, Long> asText =
                    new MapStateDescriptor<>(SEEN_TEXT_STATE, Types.STRING, Types.LONG);
            StateTtlConfig ttl = seenTtl(window);
            descriptor.enableTimeToLive(ttl);
            overflow.enableTimeToLive(ttl);
            asText.enableTimeToLive(ttl);
            seen = getRuntimeContext().getState(descriptor);
            seenOverflow = getRuntimeContext().getMapState(overflow);
            seenAsText = getRuntimeContext().getMapState(asText);
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-256", e);
            }
        }
        if (numbered) {
            MapStateDescriptor<String, Long> numbers =
                    new MapStateDescriptor<>(POSITION_STATE, Types.STRING, Types.LONG);
            numbers.enableTimeToLive(keyMemoryTtl());
            positions = getRuntimeContext().getMapState(numbers);
        }
        if (namedFresh != null) {
            ValueStateDescriptor<long[]> identifiers =
                    new ValueStateDescriptor<>(
                            NAMED_STATE, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO);
            identifiers.enableTimeToLive(keyMemoryTtl());
            named = getRuntimeContext().getState(identifiers);
        }
        duplicates = getRuntimeContext().getMetricGroup().addGroup("ingest").counter("duplicates");
        duplicatesInJob = new LongCounter();
        getRuntimeContext().addAccumulator(DUPLICATES_ACCUMULATOR, duplicatesInJob);
    }

    @Override
    public void initializeState(FunctionInitializationContext context) {
        restored = context.isRestored();
        layoutsBeforeUntil = UNKNOWN;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) {
        // (all its state is keyed state, which Flink snapshots)
    }

    @Override
    public void processElement(SourcedEvent sourced, Context ctx, Collector<CustomerEvent> out)
            throws Exception {
        CustomerEvent event = sourced.event();
        if (!window.isZero() && event.messageId() != null) {
            // (nothing identifies a redelivery of a message without an id)
            long digest = digestOf(event.messageId());
            long now = ctx.timerService().currentProcessingTime();
            long windowMillis = window.toMillis();
            if (layoutsBeforeUntil == UNKNOWN) {
                // what the layouts before hold was written before the restore: gone a window after
                layoutsBeforeUntil = restored ? now + windowMillis : 0;
            }
            SeenDigests kept = SeenDigests.of(seen.value());
            boolean mapsMayHoldIt = now < layoutsBeforeUntil;
            if (kept.contains(digest, now, windowMillis)
                    || ((mapsMayHoldIt || kept.mayHaveOverflowed(now))
                            && seenOverflow.contains(digest))
                    || (mapsMayHoldIt && seenAsText.contains(event.messageId()))) {
                duplicates.inc();
                duplicatesInJob.add(1);
                return;
            }
            if (!kept.add(digest, now, windowMillis)) {
                seenOverflow.put(digest, Boolean.TRUE);
                kept.overflowedUntil(now + windowMillis);
            }
            seen.update(kept.bytes());
        }
        if (!numbered) {
            out.collect(event);
            return;
        }
        CustomerEvent numbered = numbered(event, ctx.getCurrentKey());
        if (named != null) {
            mark(numbered, ctx.timerService().currentProcessingTime());
        }
        out.collect(numbered);
    }

    /**
     * How long a key's memory of a messageId lasts: written once and never refreshed by reads, so
     * the window counts from the first sighting, as Segment's own deduplication does. Part of the
     * savepoint format (Flink refuses another TTL setting on restore).
     */
    static StateTtlConfig seenTtl(Duration window) {
        return StateTtlConfig.newBuilder(window)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .cleanupIncrementally(10, false)
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }

    /**
     * How long a key's places and what it named are kept after their last write (part of the
     * savepoint format, as {@link #seenTtl}).
     */
    private static StateTtlConfig keyMemoryTtl() {
        return StateTtlConfig.newBuilder(POSITION_MEMORY)
                .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                .cleanupFullSnapshot()
                .cleanupInRocksdbCompactFilter(1000)
                .build();
    }

    /** The first eight bytes of the SHA-256 of a messageId. */
    private long digestOf(String messageId) {
        byte[] bytes = sha.digest(messageId.getBytes(StandardCharsets.UTF_8));
        long digest = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            digest = (digest << 8) | (bytes[i] & 0xFF);
        }
        return digest;
    }

    /** The event with its place among its key's events from its device. */
    private CustomerEvent numbered(CustomerEvent event, String key) throws Exception {
        String device = DedupKey.deviceOf(event);
        Long last = positions.get(device);
        long next = last == null ? 1 : last + 1;
        positions.put(device, next);
        return event.numbered(device.equals(key) ? key : key + '\u001F' + device, next);
    }

    /**
     * Marks the event if its key's events named its identifiers before (all, or some), and keeps
     * what it names.
     */
    private void mark(CustomerEvent event, long now) throws Exception {
        if ("delete".equals(event.type())) {
            named.clear(); // its identifiers are forgotten: the next events go through a Gather
            return;
        }
        long[] before = named.value();
        long fresh = namedFresh.toMillis();
        int count = NamedIdentifiers.countNamed(before, event.identifiers(), now, fresh);
        event.identifiersNamed = count > 0 && count == event.identifiers().size();
        event.identifiersPartlyNamed = count > 0;
        long[] after = NamedIdentifiers.after(before, event.identifiers(), now, fresh);
        if (after != before) {
            named.update(after);
        }
    }
}
