package io.tessera.profile;

import io.tessera.identity.ProfileUpdate;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

/**
 * Lets out each profile's latest change once per interval of the clock ({@link LatestChanges}), in
 * the chain of the operator that computes the profiles: its consumers (the profile topic, the
 * sequence audiences' view, activation) read one snapshot of a profile that changed several times
 * in the interval. Nothing is kept across a checkpoint: the changes waiting go out before its
 * barrier, before a watermark (so none is behind one), and when the input ends.
 */
final class ProfileChangesOperator extends AbstractStreamOperator<ProfileUpdate>
        implements OneInputStreamOperator<ProfileUpdate, ProfileUpdate>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    private final long intervalMillis;

    private transient LatestChanges waiting;
    private transient boolean timerSet;
    private transient StreamRecord<ProfileUpdate> reused;
    private transient Counter coalesced;

    ProfileChangesOperator(long intervalMillis) {
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("the interval must be positive: " + intervalMillis);
        }
        this.intervalMillis = intervalMillis;
    }

    @Override
    public void open() throws Exception {
        super.open();
        waiting = new LatestChanges();
        reused = new StreamRecord<>(null);
        coalesced = getMetricGroup().addGroup("profile").counter("changesCoalesced");
    }

    @Override
    public void processElement(StreamRecord<ProfileUpdate> element) {
        int before = waiting.size();
        LatestChanges.Change first =
                waiting.offer(
                        new LatestChanges.Change(
                                element.getValue(),
                                element.getTimestamp(),
                                element.hasTimestamp()));
        if (first != null) {
            emit(first);
        } else if (waiting.size() == before) {
            coalesced.inc();
        }
        if (!timerSet) {
            timerSet = true;
            ProcessingTimeService time = getProcessingTimeService();
            time.registerTimer(time.getCurrentProcessingTime() + intervalMillis, this::onTimer);
        }
    }

    private void onTimer(long time) {
        timerSet = false;
        flush();
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush();
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void endInput() {
        flush();
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    private void flush() {
        if (!waiting.isEmpty()) {
            waiting.drain(this::emit);
        }
    }

    private void emit(LatestChanges.Change change) {
        if (change.hasTimestamp()) {
            output.collect(reused.replace(change.update(), change.timestamp()));
        } else {
            reused.replace(change.update());
            reused.eraseTimestamp();
            output.collect(reused);
        }
    }
}
