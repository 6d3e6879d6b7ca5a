package io.tessera.identity.distributed;

import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * The identity loop's watermarks: none. Every split of the loop source declares itself idle, so the
 * operators that read the loop take their event time from the events alone; a loop record keeps the
 * timestamp the Kafka sink gave it, the time of the event behind it.
 */
final class LoopWatermarks implements WatermarkStrategy<Routed> {
    private static final long serialVersionUID = 1L;

    @Override
    public WatermarkGenerator<Routed> createWatermarkGenerator(
            WatermarkGeneratorSupplier.Context context) {
        return new WatermarkGenerator<>() {
            @Override
            public void onEvent(Routed record, long timestamp, WatermarkOutput output) {
                output.markIdle();
            }

            @Override
            public void onPeriodicEmit(WatermarkOutput output) {
                output.markIdle();
            }
        };
    }
}
