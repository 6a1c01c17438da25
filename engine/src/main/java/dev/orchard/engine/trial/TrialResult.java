package dev.orchard.engine.trial;

import java.util.Optional;
import java.util.OptionalDouble;

/** What running a trial produced: its final state, value (for completed or pruned trials) and error. */
public record TrialResult(TrialState state, OptionalDouble value, long lastStep, Optional<String> error) {

    public static TrialResult completed(double value, long lastStep) {
        return new TrialResult(TrialState.COMPLETED, OptionalDouble.of(value), lastStep, Optional.empty());
    }

    public static TrialResult failed(String error, long lastStep) {
        return new TrialResult(TrialState.FAILED, OptionalDouble.empty(), lastStep, Optional.of(error));
    }

    public static TrialResult stopped(long lastStep) {
        return new TrialResult(TrialState.STOPPED, OptionalDouble.empty(), lastStep, Optional.of("stopped by the user"));
    }
}
