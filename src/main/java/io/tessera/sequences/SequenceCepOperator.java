package io.tessera.sequences;

import io.tessera.identity.ResolvedEvent;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.operator.CepOperator;
import org.apache.flink.cep.pattern.Pattern;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.util.OutputTag;

/**
 * Flink's {@link CepOperator}, unchanged but for one thing: a key's event-time timers fire once per
 * watermark. CEP registers a timer for every timestamp it buffers under a key and for every new
 * partial match's window end. When the watermark passes several of them at once (a job reading a
 * backlog, a burst of one person's events), the first firing processes every buffered element up to
 * the watermark and advances the key's time to it; each later one finds nothing to process and
 * advances to the same time again, which changes nothing but costs CEP's reads and its shared
 * buffer's seeks ({@code SharedBuffer.advanceTime}, the job's largest cost). Those later firings
 * are skipped. No element can arrive between the timers of one watermark: they fire in one step.
 * The state, its names and the timers are CEP's own, so savepoints are unchanged.
 */
final class SequenceCepOperator<OUT> extends CepOperator<ResolvedEvent, String, OUT> {
    private static final long serialVersionUID = 1L;

    private transient Counter skipped;

    SequenceCepOperator(
            TypeSerializer<ResolvedEvent> inputSerializer,
            Pattern<ResolvedEvent, ?> pattern,
            PatternProcessFunction<ResolvedEvent, OUT> function,
            OutputTag<ResolvedEvent> lateDataOutputTag) {
        super(
                inputSerializer,
                false,
                NFACompiler.compileFactory(pattern, false),
                null,
                pattern.getAfterMatchSkipStrategy(),
                function,
                lateDataOutputTag);
    }

    @Override
    public void open() throws Exception {
        skipped =
                getRuntimeContext().getMetricGroup().addGroup("sequences").counter("timersSkipped");
        super.open();
    }

    @Override
    public <K, N> InternalTimerService<N> getInternalTimerService(
            String name, TypeSerializer<N> namespaceSerializer, Triggerable<K, N> triggerable) {
        OncePerWatermark<K, N> once = new OncePerWatermark<>(triggerable, () -> skipped.inc());
        InternalTimerService<N> service =
                super.getInternalTimerService(name, namespaceSerializer, once);
        once.service = service;
        return service;
    }

    /** Passes a key's first event-time timer of each watermark on, and skips the others. */
    static final class OncePerWatermark<K, N> implements Triggerable<K, N> {
        private final Triggerable<K, N> target;
        private final Runnable onSkip;
        private final Set<K> fired = new HashSet<>();
        private long firedAt = Long.MIN_VALUE;
        InternalTimerService<N> service;

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
            } else {
                onSkip.run();
            }
        }

        @Override
        public void onProcessingTime(InternalTimer<K, N> timer) throws Exception {
            target.onProcessingTime(timer);
        }
    }
}
