package dev.orchard.engine.optimize.gp;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Maximum a-posteriori hyperparameters: maximises {@code log p(y | θ) + log p(θ)} ({@link MarginalLikelihood},
 * {@link Hyperparameters}) with bounded L-BFGS from several starts in log space: the previous optimum (when there is
 * one), a fixed default (unless only two starts are asked for and there is a previous optimum), and random starts
 * around the default. The best end point wins.
 */
final class HyperparameterFit {
    static final int MAX_ITERATIONS = 80;

    private HyperparameterFit() {
    }

    /** The negative log posterior (to minimise) and its gradient; +∞ where the covariance cannot be factored. */
    static double objective(double[][] x, double[] y, boolean[] categorical, double[] theta, double[] grad) {
        try {
            double lml = MarginalLikelihood.value(x, y, categorical, theta, grad);
            double lp = Hyperparameters.logPrior(theta, categorical.length, grad);
            for (int i = 0; i < grad.length; i++) {
                grad[i] = -grad[i];
            }
            return -(lml + lp);
        } catch (Cholesky.NumericalFailure e) {
            return Double.POSITIVE_INFINITY;
        }
    }

    static double[] fit(double[][] x, double[] y, boolean[] categorical, double[] previous, int starts, SplittableRandom rng) {
        int d = categorical.length;
        List<double[]> begin = new ArrayList<>();
        if (previous != null) {
            begin.add(Hyperparameters.clamp(previous, d));
        }
        if (previous == null || starts >= 3) {
            begin.add(Hyperparameters.defaultStart(d));
        }
        while (begin.size() < starts) {
            begin.add(Hyperparameters.randomStart(d, rng));
        }
        double[] lo = Hyperparameters.lower(d), hi = Hyperparameters.upper(d);
        double[] best = null;
        double bestValue = Double.POSITIVE_INFINITY;
        for (double[] s : begin) {
            BoundedLbfgs.Result r = BoundedLbfgs.minimize((t, g) -> objective(x, y, categorical, t, g), s, lo, hi,
                    MAX_ITERATIONS, 1e-5);
            if (r.value() < bestValue) {
                bestValue = r.value();
                best = r.x();
            }
        }
        return best != null ? best : Hyperparameters.defaultStart(d);
    }
}
