package dev.orchard.engine.optimize;

import dev.orchard.engine.trial.TrialState;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The result of one trial as an optimizer sees it. Completed and pruned trials carry a finite value; failed and
 * stopped trials carry none.
 */
public record Observation(int trial, Map<String, Object> params, TrialState state, OptionalDouble value) {

    public Observation {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        if (!state.finished()) {
            throw new IllegalArgumentException("trial " + trial + ": an observation needs a final state, got " + state.wire());
        }
        if (value.isPresent() && !Double.isFinite(value.getAsDouble())) {
            throw new IllegalArgumentException("trial " + trial + ": value must be a finite number, got " + value.getAsDouble());
        }
        if ((state == TrialState.COMPLETED || state == TrialState.PRUNED) && value.isEmpty()) {
            throw new IllegalArgumentException("trial " + trial + ": a " + state.wire() + " trial needs a value");
        }
    }

    public static Observation completed(int trial, Map<String, Object> params, double value) {
        return new Observation(trial, params, TrialState.COMPLETED, OptionalDouble.of(value));
    }

    public static Observation failed(int trial, Map<String, Object> params) {
        return new Observation(trial, params, TrialState.FAILED, OptionalDouble.empty());
    }
}
