package io.tessera.identity.distributed;

import io.tessera.identity.ResolvedEvent;
import io.tessera.model.CustomerEvent;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.OutputTag;

/**
 * The operators that count events entering and leaving the distributed protocol for {@link
 * InFlightWatermarks}. Each sends what it counted before every watermark it passes on (so a
 * subtask's count of an event always precedes its watermark past that event), before every
 * checkpoint barrier (so a checkpoint holds no count unsent), and {@link Counter#SEND_AFTER} after
 * a count when no watermark came (an input that paused sends no watermark, and the held event time
 * would otherwise wait for the next checkpoint). Stateless.
 */
public final class ProgressCounters {
    private ProgressCounters() {}

    /** Whether an event counts: a privacy delete is not credited, it erases. */
    static boolean counts(CustomerEvent event) {
        return !"delete".equals(event.type());
    }

    static boolean counts(ResolvedEvent resolved) {
        return counts(resolved.event());
    }

    /**
     * What both counters share: they send what they counted before each watermark, each checkpoint
     * barrier and the end of the input, and at the latest {@link #SEND_AFTER} after counting.
     */
    abstract static class Counter<IN, OUT> extends AbstractStreamOperator<OUT>
            implements OneInputStreamOperator<IN, OUT> {
        private static final long serialVersionUID = 1L;

        /**
         * How long, of the clock, a count may wait for a watermark to take it: a count sent sooner
         * is only sent more often (the receiver takes counts at any time).
         */
        static final long SEND_AFTER = 50;

        private transient boolean sendPending;

        /** Called after each count: makes sure it is sent soon even if no watermark comes. */
        final void counted() {
            if (!sendPending) {
                sendPending = true;
                ProcessingTimeService clock = getProcessingTimeService();
                clock.registerTimer(
                        clock.getCurrentProcessingTime() + SEND_AFTER,
                        time -> {
                            sendPending = false;
                            send();
                        });
            }
        }

        @Override
        public void processWatermark(Watermark mark) throws Exception {
            send();
            super.processWatermark(mark);
        }

        @Override
        public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
            super.prepareSnapshotPreBarrier(checkpointId);
            send();
        }

        @Override
        public void finish() throws Exception {
            send();
            super.finish();
        }

        /** Sends what was counted since the last time, if anything. */
        abstract void send();
    }

    /**
     * Counts event times as entering (the route's events) or leaving (events dropped in flight):
     * its input is the times, its output what it counted.
     */
    public static final class Times extends Counter<Long, LoopProgress> {
        private static final long serialVersionUID = 1L;

        private final int delta;
        private transient LoopProgress.Buffer buffer;

        /**
         * @param delta +1 for events entering, -1 for events leaving
         */
        public Times(int delta) {
            this.delta = delta;
        }

        @Override
        public void open() throws Exception {
            super.open();
            buffer = new LoopProgress.Buffer(false);
        }

        @Override
        public void processElement(StreamRecord<Long> element) {
            buffer.add(element.getValue(), delta);
            counted();
        }

        @Override
        void send() {
            if (!buffer.isEmpty()) {
                output.collect(new StreamRecord<>(buffer.take()));
            }
        }
    }

    /**
     * Passes the Cluster's messages on to the identity loop, and takes out the counts of what its
     * steps settled ({@link ClusterFunction#SETTLED}): what the subtask counted goes into the loop
     * for {@link ClusterWatermarks} as one record per send, keyed by the subtask, so a subtask's
     * counts stay in their order. Chained to the Cluster, as the loop's writer is.
     */
    public static final class IntoLoop extends Counter<Routed, Routed> {
        private static final long serialVersionUID = 1L;

        private transient LoopProgress.Buffer buffer;
        private transient Address to;

        @Override
        public void open() throws Exception {
            super.open();
            buffer = new LoopProgress.Buffer(false);
            to =
                    new Address(
                            Actor.PROGRESS,
                            "cluster-" + getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        }

        @Override
        public void processElement(StreamRecord<Routed> element) {
            Routed routed = element.getValue();
            if (!routed.isFor(Actor.PROGRESS)) {
                output.collect(element);
                return;
            }
            LoopProgress progress = LoopProgress.fromRecord(routed.record);
            for (int i = 0; i < progress.times.length; i++) {
                buffer.add(progress.times[i], progress.deltas[i]);
            }
            counted();
        }

        @Override
        void send() {
            if (!buffer.isEmpty()) {
                output.collect(new StreamRecord<>(new Routed(to, buffer.take().toRecord())));
            }
        }
    }

    /**
     * Passes the resolved events on, and counts each as leaving the protocol on {@link #LEFT}, with
     * its profile: the subtask of {@link InFlightWatermarks} the event goes to counts it as it
     * arrives, so a count never overtakes its event.
     */
    public static final class Credits extends Counter<ResolvedEvent, ResolvedEvent> {
        private static final long serialVersionUID = 1L;

        /** The events counted as leaving. */
        public static final OutputTag<LoopProgress> LEFT =
                new OutputTag<>("identity-events-left") {};

        private transient LoopProgress.Buffer buffer;

        @Override
        public void open() throws Exception {
            super.open();
            buffer = new LoopProgress.Buffer(true);
        }

        @Override
        public void processElement(StreamRecord<ResolvedEvent> element) {
            ResolvedEvent resolved = element.getValue();
            if (counts(resolved)) {
                buffer.add(resolved.event().eventTime(), -1, resolved.profileId().hashCode());
                counted();
            }
            output.collect(element);
        }

        @Override
        void send() {
            if (!buffer.isEmpty()) {
                output.collect(LEFT, new StreamRecord<>(buffer.take()));
            }
        }
    }
}
