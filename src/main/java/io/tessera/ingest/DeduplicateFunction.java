package io.tessera.ingest;

import io.tessera.model.CustomerEvent;
import java.time.Duration;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops a message whose messageId was already seen within the dedup window. Keyed as its Kafka
 * record was, else by the device that sent it ({@link DedupKey}): a redelivery meets its original
 * under the same key, and the events of one key keep their order. The memory of a messageId is one
 * TTL'd entry of its key's map: it expires a window after it was first written (processing time),
 * so state stays bounded by the ids seen in one window. RocksDB drops expired entries in
 * compaction; heap state on snapshots and incrementally.
 */
public final class DeduplicateFunction
        extends KeyedProcessFunction<String, SourcedEvent, CustomerEvent> {
    private static final long serialVersionUID = 1L;

    /** Job-wide count of dropped duplicates, read by bounded runs when they end. */
    public static final String DUPLICATES_ACCUMULATOR = "ingest.duplicates";

    /**
     * State name; part of the savepoint format. (Before 0.2 the state was {@code first-seen}, one
     * value keyed by messageId: left unread after an upgrade, it expires by its TTL.)
     */
    static final String SEEN_STATE = "seen-message-ids";

    private final Duration window;
    private transient MapState<String, Long> seen;
    private transient Counter duplicates;
    private transient LongCounter duplicatesInJob;

    /** Deduplicates within the given window; a zero window lets everything through. */
    public DeduplicateFunction(Duration window) {
        this.window = window;
    }

    @Override
    public void open(OpenContext openContext) {
        MapStateDescriptor<String, Long> descriptor =
                new MapStateDescriptor<>(SEEN_STATE, Types.STRING, Types.LONG);
        if (!window.isZero()) {
            // Written once per messageId and never refreshed by reads: the window counts from
            // the first sighting, as Segment's own deduplication does.
            descriptor.enableTimeToLive(
                    StateTtlConfig.newBuilder(window)
                            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                            .cleanupFullSnapshot()
                            .cleanupIncrementally(10, false)
                            .cleanupInRocksdbCompactFilter(1000)
                            .build());
        }
        seen = getRuntimeContext().getMapState(descriptor);
        duplicates = getRuntimeContext().getMetricGroup().addGroup("ingest").counter("duplicates");
        duplicatesInJob = new LongCounter();
        getRuntimeContext().addAccumulator(DUPLICATES_ACCUMULATOR, duplicatesInJob);
    }

    @Override
    public void processElement(SourcedEvent sourced, Context ctx, Collector<CustomerEvent> out)
            throws Exception {
        CustomerEvent event = sourced.event();
        if (window.isZero() || event.messageId() == null) {
            out.collect(event); // nothing identifies a redelivery of a message without an id
            return;
        }
        if (seen.contains(event.messageId())) {
            duplicates.inc();
            duplicatesInJob.add(1);
            return;
        }
        seen.put(event.messageId(), event.eventTime());
        out.collect(event);
    }
}
