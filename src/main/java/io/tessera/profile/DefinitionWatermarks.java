package io.tessera.profile;

import io.tessera.definitions.DefinitionUpdate;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;

/**
 * Watermarks of the control topic: always the end of time. Definitions are not events; the
 * operator's event time must follow the events alone, and a quiet control topic (the normal case)
 * must never hold it back, as the minimum of the two inputs would otherwise.
 */
public final class DefinitionWatermarks {
    private DefinitionWatermarks() {}

    /** A strategy that neither holds back nor advances the events' watermark. */
    public static WatermarkStrategy<DefinitionUpdate> strategy() {
        return context -> new AlwaysIdle();
    }

    private static final class AlwaysIdle implements WatermarkGenerator<DefinitionUpdate> {
        @Override
        public void onEvent(DefinitionUpdate update, long timestamp, WatermarkOutput output) {
            output.markIdle();
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            output.markIdle();
        }
    }
}
