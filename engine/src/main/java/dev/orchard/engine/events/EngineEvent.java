package dev.orchard.engine.events;

import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;

import java.util.Map;

/** Everything the engine tells its subscribers (the store, the workbench, the CLI). */
public sealed interface EngineEvent {

    long experimentId();

    /** An experiment changed status (created, running, paused, completed, stopped, failed). */
    record ExperimentStatusChanged(long experimentId, ExperimentStatus status, String message) implements EngineEvent {
    }

    /** A trial started running. */
    record TrialStarted(Trial trial) implements EngineEvent {
        @Override
        public long experimentId() {
            return trial.experimentId();
        }
    }

    /** A trial reported values at a step ({@code @orchard} line or {@code TrialContext.report}). */
    record TrialMetrics(long experimentId, int trial, long step, Map<String, Double> values, long wallTimeMillis)
            implements EngineEvent {
    }

    /** A trial reached a final state. */
    record TrialFinished(Trial trial) implements EngineEvent {
        @Override
        public long experimentId() {
            return trial.experimentId();
        }
    }
}
