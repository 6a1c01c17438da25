package dev.orchard.engine.optimize;

import dev.orchard.engine.trial.TrialState;

import java.util.Map;
import java.util.OptionalDouble;

/**
 * The result of one trial as an optimizer sees it. Completed and pruned trials carry a finite value; failed and
 * stopped trials carry none. {@code cost} is what the trial cost (seconds of wall time unless the trial reported a
 * {@code cost} metric), for cost-aware optimizers; empty when unknown.
 */
public record Observation(int trial, Map<String, Object> params, TrialState state, OptionalDouble value,
                          OptionalDouble cost) {

    public Observation(int trial, Map<String, Object> params, TrialState state, OptionalDouble value) {
        this(trial, params, state, value, OptionalDouble.empty());
    }

    public Observation {
        if (cost.isPresent() && !(Double.isFinite(cost.getAsDouble()) && cost.getAsDouble() >= 0)) {
            throw new IllegalArgumentException("trial " + trial + ": cost must be a finite number >= 0, got " + cost.getAsDouble());
        }
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

    /** The same observation with a cost. */
    public Observation withCost(double c) {
        return new Observation(trial, params, state, value, OptionalDouble.of(c));
    }

    public static Observation failed(int trial, Map<String, Object> params) {
        return new Observation(trial, params, TrialState.FAILED, OptionalDouble.empty());
    }
}
