package dev.orchard.engine.predict;

import java.util.Map;
import java.util.Optional;

/**
 * The value a running trial's curve will have at a later step, with an 80 % band, from its configuration and its
 * reports so far: what the predictive early-stopping scheduler asks. Values are in the metric's own units.
 */
public interface CurveForecaster {

    record Forecast(double mean, double lower, double upper) {
    }

    /** A forecast of the value at {@code horizon}, or empty when there is not yet enough to go on. */
    Optional<Forecast> forecast(Map<String, Object> params, long[] steps, double[] values, long horizon);

    /** A trial that reached the horizon: data for forecasters that learn from the sweep itself. */
    default void completed(Map<String, Object> params, long[] steps, double[] values) {
    }
}
