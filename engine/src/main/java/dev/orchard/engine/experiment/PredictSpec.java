package dev.orchard.engine.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Live curve prediction for a sweep's running trials (the experiment spec's {@code "predict"}), JSON:
 * <pre>
 * {"model": "curves-model", "every": 5, "min_trials": 3, "horizon": 100, "points": 50}     (all optional: {} works)
 * </pre>
 * {@code model}: a curve model directory ({@code orchard curves fit}) whose x is the trial's step; without one the
 * predictive scheduler's {@code model} is used when it has one, else the sweep's own completed trials ({@code drift}:
 * the trial's last value plus the change completed trials showed from its step on, which needs {@code min_trials}
 * completed trials, default 3). {@code every}: a trial is predicted again after this many new reports of the metric
 * (default 5; predictions are coalesced per trial, so a slow forecaster never queues up work). {@code horizon}: the
 * last step to forecast (default: the scheduler's {@code max_steps}, else the end of the model's grid or of the longest
 * completed trial). {@code points}: at most this many forecast steps (default 50).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictSpec(String model, Integer every, Integer minTrials, Long horizon, Integer points) {

    public int everyOrDefault() {
        return every == null ? 5 : every;
    }

    public int minTrialsOrDefault() {
        return minTrials == null ? 3 : minTrials;
    }

    public int pointsOrDefault() {
        return points == null ? 50 : points;
    }
}
