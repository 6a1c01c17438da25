package dev.orchard.engine.predict;

import org.hipparchus.analysis.ParametricUnivariateFunction;
import org.hipparchus.fitting.SimpleCurveFitter;
import org.hipparchus.fitting.WeightedObservedPoints;

import dev.orchard.engine.predict.CurvePredictor.Band;
import dev.orchard.engine.predict.CurvePredictor.Row;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The baselines the model is measured against, fit on the same training rows: the per-environment mean curve, the k
 * nearest configurations (k chosen by leave-one-configuration-out on the training rows), and, for a partly observed
 * curve, its last value and a power law {@code a − b·t^(−c)} fit to the observed points.
 */
public final class Baselines {
    private Baselines() {
    }

    /** The mean over training runs of each environment at each grid point; the band is the spread of the runs. */
    public static final class MeanCurve implements CurvePredictor {
        private final Map<String, Band> byEnv = new LinkedHashMap<>();

        public MeanCurve(List<Row> train) {
            var envs = new LinkedHashMap<String, List<Row>>();
            train.forEach(r -> envs.computeIfAbsent(r.run().env(), e -> new ArrayList<>()).add(r));
            envs.forEach((env, rows) -> byEnv.put(env, average(rows, rows.get(0).curve().values().length)));
        }

        @Override
        public String name() {
            return "mean-curve";
        }

        @Override
        public Band predict(Row q) {
            Band b = byEnv.get(q.run().env());
            return b != null ? b : byEnv.values().iterator().next();
        }
    }

    /** Mean and spread of the rows at each point; points no row covers take the nearest covered point's values. */
    static Band average(List<Row> rows, int n) {
        double[] mean = new double[n], sd = new double[n];
        boolean[] has = new boolean[n];
        for (int i = 0; i < n; i++) {
            double s = 0, q = 0;
            int c = 0;
            for (Row r : rows) {
                if (r.curve().mask()[i]) {
                    double v = r.curve().values()[i];
                    s += v;
                    q += v * v;
                    c++;
                }
            }
            if (c > 0) {
                has[i] = true;
                mean[i] = s / c;
                sd[i] = Math.sqrt(Math.max(0, q / c - mean[i] * mean[i]) * (c > 1 ? c / (c - 1.0) : 1)) + 0.05;
            }
        }
        fill(mean, has);
        fill(sd, has);
        return new Band(mean, sd);
    }

    private static void fill(double[] v, boolean[] has) {
        int first = -1;
        for (int i = 0; i < v.length && first < 0; i++) {
            first = has[i] ? i : -1;
        }
        if (first < 0) {
            return;
        }
        for (int i = 0; i < first; i++) {
            v[i] = v[first];
        }
        for (int i = first + 1, last = first; i < v.length; i++) {
            if (has[i]) {
                last = i;
            } else {
                v[i] = v[last];
            }
        }
    }

    /** The mean curve of the k configurations nearest in encoded feature space (all their seeds). */
    public static final class KNearest implements CurvePredictor {
        private final List<List<Row>> groups;
        private final List<float[]> keys;
        private final MeanCurve fallback;
        private final int k;

        public KNearest(List<Row> train) {
            var g = new LinkedHashMap<String, List<Row>>();
            train.forEach(r -> g.computeIfAbsent(r.run().group(), x -> new ArrayList<>()).add(r));
            groups = List.copyOf(g.values());
            keys = groups.stream().map(rs -> rs.get(0).features()).toList();
            fallback = new MeanCurve(train);
            k = chooseK();
        }

        private KNearest(List<List<Row>> groups, List<float[]> keys, MeanCurve fallback, int k) {
            this.groups = groups;
            this.keys = keys;
            this.fallback = fallback;
            this.k = k;
        }

        /** k by leave-one-configuration-out squared error over the training rows (never the rows being evaluated). */
        private int chooseK() {
            int best = 1;
            double bestErr = Double.POSITIVE_INFINITY;
            for (int cand : new int[]{1, 2, 3, 5, 8, 13}) {
                if (cand >= groups.size()) {
                    break;
                }
                double err = 0;
                for (int gi = 0; gi < groups.size(); gi++) {
                    for (Row r : groups.get(gi)) {
                        Band b = predict(r, cand, gi);
                        for (int i = 0; i < b.mean().length; i++) {
                            if (r.curve().mask()[i]) {
                                double d = b.mean()[i] - r.curve().values()[i];
                                err += d * d;
                            }
                        }
                    }
                }
                if (err < bestErr) {
                    bestErr = err;
                    best = cand;
                }
            }
            return best;
        }

        public int k() {
            return k;
        }

        @Override
        public String name() {
            return "k-nearest";
        }

        @Override
        public Band predict(Row q) {
            return predict(q, k, -1);
        }

        private Band predict(Row q, int kk, int skip) {
            float[] f = q.features();
            Integer[] order = new Integer[groups.size()];
            double[] dist = new double[groups.size()];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
                float[] g = keys.get(i);
                double d = 0;
                for (int j = 0; j < f.length; j++) {
                    d += (f[j] - g[j]) * (double) (f[j] - g[j]);
                }
                dist[i] = groups.get(i).get(0).run().env().equals(q.run().env()) ? d : Double.POSITIVE_INFINITY;
            }
            Arrays.sort(order, (a, b) -> Double.compare(dist[a], dist[b]));
            var rows = new ArrayList<Row>();
            for (int i = 0, taken = 0; i < order.length && taken < kk; i++) {
                if (order[i] != skip && Double.isFinite(dist[order[i]])) {
                    rows.addAll(groups.get(order[i]));
                    taken++;
                }
            }
            if (rows.isEmpty()) {
                return fallback.predict(q);
            }
            Band b = average(rows, q.curve().values().length);
            Band fb = fallback.predict(q);
            // points none of the neighbours reached: the environment's mean curve
            for (int i = 0; i < b.mean().length; i++) {
                final int p = i;
                if (rows.stream().noneMatch(r -> r.curve().mask()[p])) {
                    b.mean()[i] = fb.mean()[i];
                    b.sd()[i] = fb.sd()[i];
                }
            }
            return b;
        }
    }

    /**
     * Spread of how far training curves move from point {@code j} to point {@code i} (normalised units): the band of
     * the extrapolating baselines, which have no spread of their own.
     */
    static double[][] driftSd(List<Row> train, int n) {
        double[][] sd = new double[n][n];
        for (int j = 0; j < n; j++) {
            for (int i = 0; i < n; i++) {
                double s = 0;
                int c = 0;
                for (Row r : train) {
                    if (r.curve().mask()[i] && r.curve().mask()[j]) {
                        double d = r.curve().values()[i] - r.curve().values()[j];
                        s += d * d;
                        c++;
                    }
                }
                sd[j][i] = c == 0 ? 1 : Math.sqrt(s / c) + 0.05;
            }
        }
        return sd;
    }

    /** The last observed value, held flat. */
    public static final class LastValue implements CurvePredictor {
        final double[][] drift;

        public LastValue(List<Row> train) {
            drift = driftSd(train, train.get(0).curve().values().length);
        }

        @Override
        public String name() {
            return "last-value";
        }

        @Override
        public boolean needsPrefix() {
            return true;
        }

        @Override
        public Band predict(Row q) {
            int last = q.curve().last();
            if (last < 0) {
                throw new IllegalArgumentException("last-value needs at least one observed point");
            }
            int n = q.curve().values().length;
            double[] mean = new double[n];
            Arrays.fill(mean, q.curve().values()[last]);
            return new Band(mean, drift[last].clone());
        }
    }

    /**
     * A power law {@code y = a − b·t^(−c)} (c > 0, t the grid x over its last x) fit by least squares (Hipparchus,
     * Levenberg–Marquardt) to the observed points; with fewer than 4 points or a failed fit, the last value. Predictions
     * are kept within the training curves' range so a steep fit cannot run off to infinity.
     */
    public static final class PowerLaw implements CurvePredictor {
        private final LastValue last;
        private final double[] t;
        private final double lo, hi;

        public PowerLaw(List<Row> train, CurveGrid grid) {
            last = new LastValue(train);
            t = time(grid);
            double l = Double.POSITIVE_INFINITY, h = Double.NEGATIVE_INFINITY;
            for (Row r : train) {
                for (int i = 0; i < t.length; i++) {
                    if (r.curve().mask()[i]) {
                        l = Math.min(l, r.curve().values()[i]);
                        h = Math.max(h, r.curve().values()[i]);
                    }
                }
            }
            lo = l;
            hi = h;
        }

        @Override
        public String name() {
            return "power-law";
        }

        @Override
        public boolean needsPrefix() {
            return true;
        }

        private static final ParametricUnivariateFunction LAW = new ParametricUnivariateFunction() {
            @Override
            public double value(double x, double... p) {
                return p[0] - p[1] * Math.pow(x, -Math.exp(p[2]));
            }

            @Override
            public double[] gradient(double x, double... p) {
                double c = Math.exp(p[2]);
                double pw = Math.pow(x, -c);
                return new double[]{1, -pw, p[1] * pw * Math.log(x) * c};
            }
        };

        @Override
        public Band predict(Row q) {
            Band flat = last.predict(q);
            return new Band(extrapolate(t, lo, hi, q.curve()), flat.sd());
        }

        /** The lowest and highest training value: the range a fit is clamped to. */
        double[] range() {
            return new double[]{lo, hi};
        }

        /** The grid's x over its last x: where the law is evaluated. */
        static double[] time(CurveGrid grid) {
            double[] t = new double[grid.size()];
            for (int i = 0; i < t.length; i++) {
                t[i] = grid.x()[i] / grid.x()[grid.size() - 1];
            }
            return t;
        }

        /**
         * The power law fit to the observed points of {@code curve} at every grid point (times {@code t}), clamped to
         * {@code [lo, hi]}; the last observed value held flat with fewer than 4 points or when the fit fails.
         */
        static double[] extrapolate(double[] t, double lo, double hi, CurveGrid.Masked curve) {
            int lastIndex = curve.last();
            if (lastIndex < 0) {
                throw new IllegalArgumentException("power-law needs at least one observed point");
            }
            double[] flat = new double[t.length];
            Arrays.fill(flat, curve.values()[lastIndex]);
            var pts = new WeightedObservedPoints();
            int n = 0;
            double first = Double.NaN, lastY = Double.NaN;
            for (int i = 0; i < t.length; i++) {
                if (curve.mask()[i] && t[i] > 0) {
                    pts.add(t[i], curve.values()[i]);
                    first = Double.isNaN(first) ? curve.values()[i] : first;
                    lastY = curve.values()[i];
                    n++;
                }
            }
            if (n < 4) {
                return flat;
            }
            try {
                double[] p = SimpleCurveFitter.create(LAW, new double[]{lastY, lastY - first, Math.log(0.5)})
                        .withMaxIterations(200).fit(pts.toList());
                double[] mean = new double[t.length];
                for (int i = 0; i < t.length; i++) {
                    double v = LAW.value(Math.max(t[i], 1e-9), p);
                    mean[i] = Double.isFinite(v) ? Math.max(lo, Math.min(hi, v)) : flat[i];
                }
                return mean;
            } catch (RuntimeException e) {
                return flat; // no convergence: the flat extrapolation is the honest fallback
            }
        }
    }
}
