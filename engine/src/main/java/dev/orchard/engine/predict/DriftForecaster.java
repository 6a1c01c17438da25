package dev.orchard.engine.predict;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A forecaster that needs no trained model: a running trial at step s with value v is forecast to end at v plus the
 * change the sweep's completed trials showed from step s to the horizon (median, and the 10th and 90th percentiles
 * for the 80 % band). It learns as trials complete, and says nothing until {@code minCurves} have.
 */
public final class DriftForecaster implements CurveForecaster {
    private final int minCurves;
    private final List<long[]> steps = new ArrayList<>();
    private final List<double[]> values = new ArrayList<>();

    public DriftForecaster(int minCurves) {
        this.minCurves = Math.max(1, minCurves);
    }

    @Override
    public void completed(Map<String, Object> params, long[] s, double[] v) {
        steps.add(s.clone());
        values.add(v.clone());
    }

    @Override
    public Optional<Forecast> forecast(Map<String, Object> params, long[] s, double[] v, long horizon) {
        if (steps.size() < minCurves || s.length == 0) {
            return Optional.empty();
        }
        long at = s[s.length - 1];
        double[] drift = new double[steps.size()];
        for (int j = 0; j < drift.length; j++) {
            drift[j] = valueAt(steps.get(j), values.get(j), horizon) - valueAt(steps.get(j), values.get(j), at);
        }
        Arrays.sort(drift);
        double last = v[v.length - 1];
        return Optional.of(new Forecast(last + quantile(drift, 0.5), last + quantile(drift, 0.1), last + quantile(drift, 0.9)));
    }

    /** The value at the last report at or before {@code step} (the first one if none). */
    private static double valueAt(long[] s, double[] v, long step) {
        int i = Arrays.binarySearch(s, step);
        int k = i >= 0 ? i : Math.max(0, -i - 2);
        return v[k];
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
