package dev.orchard.engine.store;

import java.time.Instant;

/**
 * A running trial's predicted rest-of-curve as stored (table {@code curve_prediction}): after {@code observedPoints}
 * reports of {@code metric}, the last at {@code observedStep}, the forecast at the later steps {@code x} — mean and
 * 80 % band — and which forecaster made it ({@code model}: a model directory or {@code drift}).
 */
public record StoredPrediction(long experimentId, int trial, long observedStep, int observedPoints, String metric, String model,
                               double[] x, double[] mean, double[] lower, double[] upper, Instant at) {

    /** The band's width at the last forecast step (NaN when the forecast is empty). */
    public double finalWidth() {
        return x.length == 0 ? Double.NaN : upper[x.length - 1] - lower[x.length - 1];
    }
}
