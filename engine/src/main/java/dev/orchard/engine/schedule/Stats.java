package dev.orchard.engine.schedule;

import java.util.Arrays;

/** The order statistics the schedulers decide by, defined once so every rule cites the same formula. */
final class Stats {
    private Stats() {
    }

    /**
     * The {@code p}-quantile of {@code values} with linear interpolation between order statistics, as NumPy's default
     * ({@code numpy.percentile(values, 100 p)}, the rule Ray Tune's ASHA uses): with the values sorted ascending as
     * {@code x[0..n-1]}, {@code h = (n - 1) p}, the quantile is {@code x[⌊h⌋] + (h - ⌊h⌋)(x[⌊h⌋+1] - x[⌊h⌋])}.
     */
    static double quantile(double[] values, double p) {
        if (values.length == 0) {
            throw new IllegalArgumentException("quantile of no values");
        }
        double[] x = values.clone();
        Arrays.sort(x);
        double h = (x.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, x.length - 1);
        return x[lo] + (h - lo) * (x[hi] - x[lo]);
    }

    /** The median: the middle value, or the mean of the two middle ones (the 0.5-quantile above). */
    static double median(double[] values) {
        return quantile(values, 0.5);
    }
}
