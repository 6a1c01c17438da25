package dev.orchard.engine.predict;

import java.util.List;

/**
 * The fixed grid of absolute x values (timesteps) every curve is resampled onto, evenly spaced from the earliest first
 * point to the latest last point of the training runs. A run is interpolated linearly between its own points and masked
 * outside them: a run cut short keeps its missing tail missing instead of being stretched over the grid.
 */
public record CurveGrid(double[] x) {
    public CurveGrid {
        if (x.length < 2) {
            throw new CurveDataException("a curve grid needs at least 2 points, got " + x.length);
        }
    }

    public static CurveGrid fit(List<CurveRun> runs, int points) {
        double from = runs.stream().mapToDouble(r -> r.x()[0]).min().orElseThrow();
        double to = runs.stream().mapToDouble(CurveRun::lastX).max().orElseThrow();
        if (!(to > from)) {
            throw new CurveDataException("the runs span no x range (every point at x = " + from + ")");
        }
        double[] x = new double[points];
        for (int i = 0; i < points; i++) {
            x[i] = from + (to - from) * i / (points - 1);
        }
        return new CurveGrid(x);
    }

    public int size() {
        return x.length;
    }

    /** A curve on the grid: values where {@code mask} is true, unknown elsewhere. */
    public record Masked(double[] values, boolean[] mask) {
        public int observed() {
            int n = 0;
            for (boolean b : mask) {
                n += b ? 1 : 0;
            }
            return n;
        }

        /** Index of the last observed point, -1 if none. */
        public int last() {
            for (int i = mask.length - 1; i >= 0; i--) {
                if (mask[i]) {
                    return i;
                }
            }
            return -1;
        }

        /** Only the first {@code k} observed points. */
        public Masked prefix(int k) {
            boolean[] m = new boolean[mask.length];
            int seen = 0;
            for (int i = 0; i < mask.length && seen < k; i++) {
                if (mask[i]) {
                    m[i] = true;
                    seen++;
                }
            }
            return new Masked(values, m);
        }
    }

    /** The points {@code (xs, ys)} resampled onto the grid (a slack of 0.1 % of a grid step at the ends for rounding). */
    public Masked project(double[] xs, double[] ys) {
        double[] v = new double[x.length];
        boolean[] m = new boolean[x.length];
        double slack = (x[1] - x[0]) * 1e-3;
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            double g = x[i];
            if (g < xs[0] - slack || g > xs[xs.length - 1] + slack) {
                continue;
            }
            while (j < xs.length - 2 && xs[j + 1] < g) {
                j++;
            }
            if (xs.length == 1) {
                v[i] = ys[0];
            } else {
                double t = (g - xs[j]) / (xs[j + 1] - xs[j]);
                t = Math.max(0, Math.min(1, t));
                v[i] = ys[j] + t * (ys[j + 1] - ys[j]);
            }
            m[i] = true;
        }
        return new Masked(v, m);
    }
}
