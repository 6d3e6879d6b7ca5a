package io.tessera.identity.distributed;

import io.tessera.definitions.DefinitionUpdate;
import java.time.Duration;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;

/**
 * The Clusters' event time: below every event still inside the protocol and not yet settled in a
 * cluster. Its input is what the route counted entering (with the route's watermarks) and what
 * every Cluster subtask counted as settled ({@link ClusterFunction#SETTLED}: credited, dropped, or
 * held for its order), read back from the identity loop; it sends no records, only its watermark,
 * on the Clusters' broadcast input beside the definitions. A Cluster's event time is the lower of
 * its own inputs' and this one, so a wake-up (a window expiring, a "last active before" flip) waits
 * for an older event of its profile that is still crossing the loop, however long the crossing
 * takes, and a replay and the live job give the same transitions in the same order.
 *
 * <p>An event held for its order counts as settled: it waits for its cluster's own event time, and
 * counted as inside it would wait for itself. Its input going idle does not make its output idle:
 * the events counted still hold the Clusters' event time.
 */
public final class ClusterWatermarks extends InFlightHold<DefinitionUpdate>
        implements OneInputStreamOperator<LoopProgress, DefinitionUpdate> {
    private static final long serialVersionUID = 1L;

    /** State name; part of the savepoint format. */
    static final String COUNTS = "events-unsettled";

    /**
     * @param patience how long, on the clock, events may stay unsettled before the Clusters' event
     *     time goes past them anyway (an event lost by a defect would hold it back forever)
     */
    public ClusterWatermarks(Duration patience) {
        super(
                COUNTS,
                "the clusters' event time",
                "eventsGivenUpUnsettled",
                "eventTimesUnsettled",
                patience);
    }

    @Override
    public void processElement(StreamRecord<LoopProgress> element) throws Exception {
        count(element.getValue(), i -> true);
    }

    @Override
    public void processWatermarkStatus(WatermarkStatus status) throws Exception {
        // stays active: an idle output would leave the Clusters' event time to their own inputs
    }
}
