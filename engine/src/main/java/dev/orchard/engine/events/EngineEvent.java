package dev.orchard.engine.events;

import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.GpuStatus;
import dev.orchard.engine.trial.Trial;

import java.util.List;
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

    /** A trial checkpointed and exited (paused by the user or by its scheduler); it may be resumed. */
    record TrialPaused(Trial trial, String reason) implements EngineEvent {
        @Override
        public long experimentId() {
            return trial.experimentId();
        }
    }

    /**
     * A scheduler decided something about a trial: {@code decision} is stop, pause, resume (promotion) or derive (PBT
     * exploit); {@code reason} says why in words, {@code details} in numbers (rung, cut-off, median, parent).
     */
    record SchedulerDecision(long experimentId, int trial, long step, String decision, String reason,
                             Map<String, Object> details) implements EngineEvent {
    }

    /** A sample of every GPU's utilisation and memory (engine-wide: {@link #experimentId()} is -1). */
    record GpuUsage(List<GpuStatus> gpus, long atMillis) implements EngineEvent {
        @Override
        public long experimentId() {
            return -1;
        }
    }

    /**
     * A trial restarted from a checkpoint and reported {@code fromStep} again: what it had reported from that step on
     * (after its last checkpoint) is superseded.
     */
    record TrialRewound(long experimentId, int trial, long fromStep) implements EngineEvent {
    }

    /**
     * A pipeline stage changed state or reported: {@code kind} is started, done, failed, retrying, skipped, cached
     * (output reused from the cache), restored (from a checkpoint on resume), metrics or profile; {@code stage} is its
     * path ("tasks/train"), {@code iteration} the loop iterations around it ("tasks=2"); {@code details} carries
     * numbers (timings, metrics, attempts).
     */
    record StageEvent(long experimentId, String stage, String iteration, String kind, String message,
                      Map<String, Object> details) implements EngineEvent {
    }

    /**
     * A curriculum's metrics every N updates (bin probabilities, per-task LP and sampling probabilities, counts), for live
     * views: {@code stats} is its stats as JSON values; {@code experimentId} is -1 for a curriculum served on its own.
     */
    record CurriculumSnapshot(long experimentId, String curriculum, long updates, Map<String, Object> stats) implements EngineEvent {
    }

    /**
     * A running trial's predicted rest-of-curve (DESIGN.md idea 4, live): after it reported {@code observedPoints} values
     * of {@code metric}, the last at {@code observedStep}, its curve is forecast at the later steps {@code x} (or at the
     * later values of the model's x metric, for a model trained with {@code --x METRIC} that the trials report) with the
     * mean and the 80 % band {@code lower}..{@code upper}, in the metric's units. {@code model} names the forecaster: a
     * curve model directory, or {@code drift} (the sweep's completed trials).
     */
    record CurvePrediction(long experimentId, int trial, long observedStep, int observedPoints, String metric,
                           double[] x, double[] mean, double[] lower, double[] upper, String model) implements EngineEvent {
        public CurvePrediction {
            if (x.length != mean.length || x.length != lower.length || x.length != upper.length) {
                throw new IllegalArgumentException("x, mean, lower and upper must have the same length");
            }
        }
    }
}
