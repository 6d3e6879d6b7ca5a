package io.tessera.tools;

import io.tessera.definitions.DefinitionUpdate;
import io.tessera.identity.IdentitySettings;
import io.tessera.identity.ResolvedEvent;
import io.tessera.identity.SingleModeIdentityFunction;
import io.tessera.model.CustomerEvent;
import io.tessera.profile.DefinitionsBroadcast;
import io.tessera.profile.ProfileSettings;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * The identity-and-profile operator alone in Flink's operator test harness, driven from this
 * thread: for harness tests and the identity benchmark.
 */
public final class IdentityOperatorHarness {
    private IdentityOperatorHarness() {}

    /**
     * An opened harness; the definitions input is at the end of time, so event-time follows the
     * events' watermarks alone, as in the job.
     *
     * @param restoreFrom a snapshot to restore, or null
     */
    public static KeyedBroadcastOperatorTestHarness<
                    String, CustomerEvent, DefinitionUpdate, ResolvedEvent>
            open(
                    IdentitySettings identity,
                    ProfileSettings profile,
                    StateBackend backend,
                    OperatorSubtaskState restoreFrom)
                    throws Exception {
        var harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        DefinitionsBroadcast.operator(
                                new SingleModeIdentityFunction(
                                        identity.rules(), identity.expiringTtl(), profile),
                                SingleModeIdentityFunction.DEFINITIONS),
                        CustomerEvent::tenant,
                        Types.STRING,
                        4096,
                        1,
                        0);
        harness.setStateBackend(backend);
        if (restoreFrom != null) {
            harness.initializeState(restoreFrom);
        }
        harness.open();
        harness.processBroadcastWatermark(Long.MAX_VALUE);
        return harness;
    }
}
