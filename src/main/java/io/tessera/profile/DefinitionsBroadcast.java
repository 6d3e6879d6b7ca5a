package io.tessera.profile;

import io.tessera.definitions.DefinitionUpdate;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.base.StringSerializer;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.TimerHeapInternalTimer;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The profile stage's operator over the keyed profiles and the broadcast definitions: Flink's own
 * keyed-broadcast operator, which also registers the event-time timers the function asks for from
 * the broadcast side ({@link BroadcastTimers}). Built as {@code connect(definitions.broadcast())}
 * with this operator, which is what {@code connect(broadcastStream).process(function)} builds too:
 * the same broadcast and keyed state, the same timer service, so savepoints carry over.
 */
public final class DefinitionsBroadcast {
    private DefinitionsBroadcast() {}

    /**
     * Runs the function over the keyed input and the definitions, broadcast to every subtask.
     *
     * @param definitionsState the function's broadcast state of definitions
     */
    public static <
                    K,
                    I,
                    O,
                    F extends
                            KeyedBroadcastProcessFunction<K, I, DefinitionUpdate, O>
                                    & BroadcastTimers<K>>
            SingleOutputStreamOperator<O> process(
                    KeyedStream<I, K> input,
                    DataStream<DefinitionUpdate> definitions,
                    MapStateDescriptor<String, String> definitionsState,
                    F function,
                    TypeInformation<O> output,
                    String name) {
        return input.connect(definitions.broadcast())
                .transform(name, output, operator(function, definitionsState));
    }

    /** The operator alone, for harness tests and benchmarks of the function. */
    public static <
                    K,
                    I,
                    O,
                    F extends
                            KeyedBroadcastProcessFunction<K, I, DefinitionUpdate, O>
                                    & BroadcastTimers<K>>
            CoBroadcastWithKeyedOperator<K, I, DefinitionUpdate, O> operator(
                    F function, MapStateDescriptor<String, String> definitionsState) {
        return new TimerArmingOperator<>(function, function, List.of(definitionsState));
    }

    /**
     * After each broadcast element, sets each key the function asks for as the current key and
     * registers the timer in the operator's user timer service: the one the function's own timer
     * service uses, so the timers fire in its {@code onTimer} as any other.
     */
    static final class TimerArmingOperator<K, I, O>
            extends CoBroadcastWithKeyedOperator<K, I, DefinitionUpdate, O> {
        private static final long serialVersionUID = 1L;

        /** The name Flink's operator gives its timer service (part of the savepoint format). */
        private static final String USER_TIMERS = "user-timers";

        /** The timer service of per-profile wake-ups (part of the savepoint format). */
        static final String PROFILE_WAKE_UPS = "profile-wake-ups";

        private final BroadcastTimers<K> requests;
        private transient InternalTimerService<VoidNamespace> timers;
        private transient InternalTimerService<String> wakeUps;

        /** The profile whose wake-up is firing, or null. */
        private transient String firing;

        /**
         * @param function the function
         * @param requests the same function, as what asks for timers
         */
        TimerArmingOperator(
                KeyedBroadcastProcessFunction<K, I, DefinitionUpdate, O> function,
                BroadcastTimers<K> requests,
                List<MapStateDescriptor<?, ?>> broadcastState) {
            super(function, broadcastState);
            this.requests = requests;
        }

        @Override
        public void open() throws Exception {
            super.open();
            timers = getInternalTimerService(USER_TIMERS, VoidNamespaceSerializer.INSTANCE, this);
            wakeUps =
                    getInternalTimerService(
                            PROFILE_WAKE_UPS, StringSerializer.INSTANCE, new WakeUpTrigger());
            requests.useProfileTimers(
                    new ProfileTimers() {
                        @Override
                        public void register(String profileId, long time) {
                            wakeUps.registerEventTimeTimer(profileId, time);
                        }

                        @Override
                        public void delete(String profileId, long time) {
                            wakeUps.deleteEventTimeTimer(profileId, time);
                        }

                        @Override
                        public String firing() {
                            return firing;
                        }
                    });
        }

        /** Hands a firing wake-up to the function's {@code onTimer}, naming its profile. */
        private final class WakeUpTrigger implements Triggerable<K, String> {
            @Override
            public void onEventTime(InternalTimer<K, String> timer) throws Exception {
                firing = timer.getNamespace();
                try {
                    TimerArmingOperator.this.onEventTime(
                            new TimerHeapInternalTimer<>(
                                    timer.getTimestamp(), timer.getKey(), VoidNamespace.INSTANCE));
                } finally {
                    firing = null;
                }
            }

            @Override
            public void onProcessingTime(InternalTimer<K, String> timer) {
                throw new IllegalStateException("profile wake-ups are event-time timers");
            }
        }

        @Override
        public void processElement2(StreamRecord<DefinitionUpdate> element) throws Exception {
            super.processElement2(element);
            for (Map.Entry<K, Long> timer : requests.takeTimerRequests()) {
                setCurrentKey(timer.getKey());
                timers.registerEventTimeTimer(VoidNamespace.INSTANCE, timer.getValue());
            }
            for (BroadcastTimers.ProfileWakeUp<K> wakeUp : requests.takeWakeUpRequests()) {
                setCurrentKey(wakeUp.key());
                wakeUps.registerEventTimeTimer(wakeUp.profileId(), wakeUp.time());
            }
        }
    }
}
