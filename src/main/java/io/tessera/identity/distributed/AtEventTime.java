package io.tessera.identity.distributed;

import io.tessera.identity.ResolvedEvent;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Gives each resolved event its own event time as its record's timestamp, as single mode's are. The
 * Cluster credits an event in the step of whatever loop record let it in: its own contribution, or
 * another event's message that released it (held for its device's order or for its founder,
 * buffered while the cluster was locked). A side output takes the timestamp of that record, and the
 * sequence audiences' CEP orders the events of a profile, measures their windows and judges them
 * late by it: an order stamped with an earlier event's time could be dropped as late, one stamped
 * with a later event's time could fall outside the window it closes. Chained to the Cluster.
 */
final class AtEventTime extends AbstractStreamOperator<ResolvedEvent>
        implements OneInputStreamOperator<ResolvedEvent, ResolvedEvent> {
    private static final long serialVersionUID = 1L;

    @Override
    public void processElement(StreamRecord<ResolvedEvent> element) {
        ResolvedEvent resolved = element.getValue();
        output.collect(element.replace(resolved, resolved.event().eventTime()));
    }
}
