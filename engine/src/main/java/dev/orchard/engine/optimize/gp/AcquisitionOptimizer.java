package dev.orchard.engine.optimize.gp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;

/**
 * Maximises an acquisition over the model space:
 * <ol>
 *   <li>{@code candidates} points are scored: 80 % uniform in the cube (uniform categories), 20 % Gaussian
 *       perturbations (sd 0.02–0.2 of the unit range; categories resampled with probability 1/d) of the best observed
 *       points; every candidate is first made canonical (discrete values rounded, inactive values imputed);</li>
 *   <li>the best {@code restarts} distinct candidates are refined by bounded L-BFGS on the numeric coordinates (a
 *       continuous relaxation of int and ordered-choice coordinates; categories held fixed), then rounded and
 *       re-scored; when the space has unordered choices, each refined point then tries every other value of each
 *       choice, one at a time, keeping improvements;</li>
 *   <li>the best point that is not a duplicate (per {@code duplicate}: in the optimizer, too near a pending point)
 *       wins; if every scored point is one, the best point overall does.</li>
 * </ol>
 */
final class AcquisitionOptimizer {
    static final int REFINE_ITERATIONS = 40;

    private final Encoding encoding;
    private final boolean[] categorical;

    AcquisitionOptimizer(Encoding encoding) {
        this.encoding = encoding;
        this.categorical = encoding.categorical();
    }

    record Scored(double[] x, double value) {
    }

    double[] maximize(GaussianProcess gp, Acquisition acq, List<double[]> incumbents, SplittableRandom rng,
                      int candidates, int restarts, Predicate<double[]> duplicate) {
        double[][] pts = new double[candidates][];
        int local = incumbents.isEmpty() ? 0 : candidates / 5;
        for (int i = 0; i < candidates; i++) {
            double[] x;
            if (i < candidates - local) {
                x = encoding.random(rng);
            } else {
                x = perturb(incumbents.get(rng.nextInt(incumbents.size())), rng);
            }
            pts[i] = encoding.canonical(x);
        }
        double[] values = score(gp, acq, pts);
        Integer[] order = new Integer[candidates];
        for (int i = 0; i < candidates; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -values[i]).thenComparingInt(i -> i));

        List<Scored> results = new ArrayList<>();
        List<double[]> starts = new ArrayList<>();
        for (Integer i : order) {
            if (starts.size() >= restarts) {
                break;
            }
            if (starts.stream().noneMatch(s -> Arrays.equals(s, pts[i]))) {
                starts.add(pts[i]);
            }
        }
        for (double[] s : starts) {
            Scored r = refine(gp, acq, s);
            if (encoding.anyCategorical()) {
                r = sweepCategories(gp, acq, r);
            }
            results.add(r);
        }
        for (Integer i : order) {
            results.add(new Scored(pts[i], values[i]));
        }
        results.sort(Comparator.comparingDouble((Scored s) -> -s.value()));
        for (Scored s : results) {
            if (!duplicate.test(s.x())) {
                return s.x();
            }
        }
        return results.get(0).x();
    }

    private double[] perturb(double[] center, SplittableRandom rng) {
        int d = center.length;
        double sd = 0.02 * Math.pow(10, rng.nextDouble());
        double[] x = center.clone();
        for (int k = 0; k < d; k++) {
            if (categorical[k]) {
                if (rng.nextDouble() < 1.0 / d || x[k] < 0) {
                    x[k] = rng.nextInt(encoding.levels(k));
                }
            } else {
                x[k] = Math.min(1.0, Math.max(0.0, x[k] + sd * Hyperparameters.gaussian(rng)));
            }
        }
        return x;
    }

    static double[] score(GaussianProcess gp, Acquisition acq, double[][] pts) {
        double[] mean = new double[pts.length];
        double[] var = new double[pts.length];
        gp.predict(pts, mean, var);
        double[] v = new double[pts.length];
        for (int i = 0; i < pts.length; i++) {
            v[i] = acq.value(mean[i], Math.sqrt(var[i]));
            if (Double.isNaN(v[i])) {
                v[i] = Double.NEGATIVE_INFINITY;
            }
        }
        return v;
    }

    static double score(GaussianProcess gp, Acquisition acq, double[] x) {
        return score(gp, acq, new double[][]{x})[0];
    }

    private Scored refine(GaussianProcess gp, Acquisition acq, double[] start) {
        int d = start.length;
        double[] lo = new double[d], hi = new double[d];
        for (int k = 0; k < d; k++) {
            lo[k] = categorical[k] ? start[k] : 0.0;
            hi[k] = categorical[k] ? start[k] : 1.0;
        }
        double[] gm = new double[d], gv = new double[d];
        BoundedLbfgs.Function f = (x, grad) -> {
            double[] mv = gp.predict(x, gm, gv);
            double sd = Math.sqrt(mv[1]);
            double[] a = acq.valueAndPartials(mv[0], sd);
            for (int k = 0; k < d; k++) {
                grad[k] = -(a[1] * gm[k] + a[2] * gv[k] / (2.0 * sd));
            }
            return -a[0];
        };
        BoundedLbfgs.Result r = BoundedLbfgs.minimize(f, start, lo, hi, REFINE_ITERATIONS, 1e-6);
        double[] x = encoding.canonical(r.x());
        double v = score(gp, acq, x);
        double v0 = score(gp, acq, start);
        return v >= v0 ? new Scored(x, v) : new Scored(start, v0);
    }

    private Scored sweepCategories(GaussianProcess gp, Acquisition acq, Scored from) {
        Scored best = from;
        for (int k = 0; k < categorical.length; k++) {
            if (!categorical[k]) {
                continue;
            }
            for (int level = 0; level < encoding.levels(k); level++) {
                if (best.x()[k] == level) {
                    continue;
                }
                double[] x = best.x().clone();
                x[k] = level;
                x = encoding.canonical(x);
                double v = score(gp, acq, x);
                if (v > best.value()) {
                    best = new Scored(x, v);
                }
            }
        }
        return best;
    }
}
