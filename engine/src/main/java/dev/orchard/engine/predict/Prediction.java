package dev.orchard.engine.predict;

/**
 * A predicted curve with its band, in the curve's own units: {@code lower}/{@code upper} bound the central 80 % of the
 * predictive distribution at each x. Observed points (a running trial's prefix) are returned as observed, with no band.
 */
public record Prediction(String id, double[] x, double[] mean, double[] lower, double[] upper) {
    public double finalMean() {
        return mean[mean.length - 1];
    }

    public double finalUpper() {
        return upper[upper.length - 1];
    }
}
