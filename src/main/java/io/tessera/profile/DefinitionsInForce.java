package io.tessera.profile;

import io.tessera.definitions.DefinitionRejection;
import io.tessera.definitions.DefinitionUpdate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.BroadcastState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which definitions a profile operator computes at a given moment: the bootstrap file's, overridden
 * by those accepted from the control topic, then by the scheduled updates (a replay's timed
 * changes) whose time has come. The computer is cached until the accepted set or the schedule stage
 * changes. Not serializable: an operator builds one when it opens.
 */
public final class DefinitionsInForce {
    private static final Logger LOG = LoggerFactory.getLogger(DefinitionsInForce.class);

    private final List<String> bootstrap;
    private final List<ScheduledUpdate> scheduled;

    /** The definitions accepted after each scheduled update, in order (stage 0: none). */
    private final List<Map<String, String>> stages = new ArrayList<>();

    private ProfileComputer computer;
    private int computerStage;

    /** The definitions of the profile stage's settings. */
    public DefinitionsInForce(ProfileSettings settings) {
        this.bootstrap = settings.bootstrap();
        this.scheduled = settings.scheduled();
        stages.add(Map.of());
        for (ScheduledUpdate update : scheduled) {
            Map<String, String> next = new TreeMap<>(stages.get(stages.size() - 1));
            LiveDefinitions.Decision decision =
                    LiveDefinitions.decide(
                            new DefinitionUpdate(update.key(), update.json()), bootstrap, next);
            if (decision.rejection() != null) {
                LOG.warn("Refused scheduled definition {}: {}", update.key(), decision.rejection());
            } else if (decision.store() != null) {
                next.put(update.key(), decision.store());
            }
            stages.add(next);
        }
    }

    /** The bootstrap definitions, as JSON documents. */
    public List<String> bootstrap() {
        return bootstrap;
    }

    /** The scheduled updates, in time order. */
    public List<ScheduledUpdate> scheduled() {
        return scheduled;
    }

    /** Whether a scheduled update takes effect at exactly this time. */
    public boolean scheduledAt(long time) {
        return scheduled.stream().anyMatch(update -> update.at() == time);
    }

    /**
     * What a control-topic record did.
     *
     * @param refusal why it was refused, to publish; null if it was not
     * @param changed whether the definitions in force changed
     */
    public record Accepted(DefinitionRejection refusal, boolean changed) {}

    /**
     * Takes a control-topic record into the accepted definitions (an operator's broadcast state) by
     * the rules of {@link LiveDefinitions}; after a change the next {@link #at} builds a new
     * computer.
     */
    public Accepted accept(DefinitionUpdate update, BroadcastState<String, String> accepted)
            throws Exception {
        Map<String, String> live = new TreeMap<>();
        accepted.immutableEntries().forEach(e -> live.put(e.getKey(), e.getValue()));
        LiveDefinitions.Decision decision = LiveDefinitions.decide(update, bootstrap, live);
        if (decision.rejection() != null) {
            LOG.warn("Refused definition {}: {}", update.key(), decision.rejection());
            return new Accepted(
                    new DefinitionRejection(update.key(), decision.rejection(), update.json()),
                    false);
        }
        if (decision.store() == null) {
            return new Accepted(null, false); // stale or a duplicate
        }
        accepted.put(update.key(), decision.store());
        computer = null;
        return new Accepted(null, true);
    }

    /**
     * The computer of the definitions in force at {@code now}.
     *
     * @param live the definitions accepted from the control topic, by key
     */
    public ProfileComputer at(Iterable<Map.Entry<String, String>> live, long now) {
        int stage = 0;
        while (stage < scheduled.size() && scheduled.get(stage).at() <= now) {
            stage++;
        }
        if (computer == null || stage != computerStage) {
            Map<String, String> accepted = new TreeMap<>();
            live.forEach(e -> accepted.put(e.getKey(), e.getValue()));
            accepted.putAll(stages.get(stage));
            computer =
                    new ProfileComputer(LiveDefinitions.effective(bootstrap, accepted.entrySet()));
            computerStage = stage;
        }
        return computer;
    }
}
