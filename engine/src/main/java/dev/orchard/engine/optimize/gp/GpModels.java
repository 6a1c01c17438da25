package dev.orchard.engine.optimize.gp;

import dev.orchard.engine.space.SearchSpace;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Public access to this package's building blocks for other optimizers of the engine (the cost-aware
 * {@code protein} optimizer): the model space ({@link Encoding}), output warps ({@link OutputWarp}), the MAP
 * hyperparameter fit ({@link HyperparameterFit}), the posterior ({@link GaussianProcess}) and log-EI ({@link LogEi}).
 * Thin wrappers only: the model and its fit are exactly the {@code gp} optimizer's, and everything else stays
 * package-private. A covariance that cannot be factored even with jitter throws {@link ArithmeticException}.
 */
public final class GpModels {
    private GpModels() {
    }

    /** The GP's model space of a search space: one coordinate per parameter (see {@link Encoding}). */
    public static final class ModelSpace {
        private final Encoding encoding;

        public ModelSpace(SearchSpace space) {
            this.encoding = new Encoding(space);
        }

        public int dimension() {
            return encoding.dimension();
        }

        /** Which coordinates hold category indices (unordered choices). */
        public boolean[] categorical() {
            return encoding.categorical();
        }

        /** Number of values of categorical coordinate {@code k} (0 for a numeric one). */
        public int levels(int k) {
            return encoding.levels(k);
        }

        /** The model-space point of a configuration; absent (inactive) parameters are imputed. */
        public double[] encode(Map<String, ?> config) {
            return encoding.encode(config);
        }

        /** The configuration of a model-space point (numeric coordinates clamped into the cube). */
        public Map<String, Object> decode(double[] x) {
            return encoding.decode(x);
        }

        /** The model-space point of the configuration {@code x} stands for (discrete values rounded). */
        public double[] canonical(double[] x) {
            return encoding.canonical(x);
        }

        /** A uniform random point, not yet canonical. */
        public double[] random(SplittableRandom rng) {
            return encoding.random(rng);
        }
    }

    /** True for a warp name {@link #warp} accepts: {@code log_power}, {@code log}, {@code power}, {@code rank}, {@code none}. */
    public static boolean isWarp(String name) {
        return OutputWarp.parse(name) != null;
    }

    /** Losses warped and standardised by the named warp (see {@link OutputWarp}). */
    public static double[] warp(String name, double[] losses) {
        OutputWarp w = OutputWarp.parse(name);
        if (w == null) {
            throw new IllegalArgumentException("unknown warp '" + name + "'");
        }
        return w.apply(losses);
    }

    /** Number of hyperparameters of a GP over {@code dimension} coordinates. */
    public static int hyperparameterCount(int dimension) {
        return Hyperparameters.size(dimension);
    }

    /**
     * MAP hyperparameters for data {@code (x, y)} ({@code y} standardised), from {@code starts} starts including
     * {@code previous} when not null; clamped into their bounds.
     */
    public static double[] fitHyperparameters(double[][] x, double[] y, boolean[] categorical, double[] previous,
                                              int starts, SplittableRandom rng) {
        int d = categorical.length;
        return Hyperparameters.clamp(HyperparameterFit.fit(x, y, categorical,
                previous == null ? null : Hyperparameters.clamp(previous, d), starts, rng), d);
    }

    /** Log expected improvement below {@code best} of a Gaussian with {@code mean} and {@code sd} (see {@link LogEi}). */
    public static double logExpectedImprovement(double mean, double sd, double best) {
        return LogEi.value(mean, sd, best);
    }

    /** A GP posterior with fixed hyperparameters; immutable. */
    public static final class Posterior {
        private final GaussianProcess gp;

        private Posterior(GaussianProcess gp) {
            this.gp = gp;
        }

        /** The posterior given data {@code (x, y)} and hyperparameters {@code theta}. */
        public static Posterior of(double[][] x, double[] y, boolean[] categorical, double[] theta) {
            return new Posterior(GaussianProcess.create(x, y, categorical, theta));
        }

        public int size() {
            return gp.size();
        }

        /** The posterior with the observation {@code (point, value)} added (a Kriging-believer fantasy). */
        public Posterior condition(double[] point, double value) {
            return new Posterior(gp.condition(point, value));
        }

        /** Posterior mean of the latent function at {@code p}. */
        public double mean(double[] p) {
            return gp.mean(p);
        }

        /** Posterior means and (latent, floored) variances of many points. */
        public void predict(double[][] points, double[] means, double[] variances) {
            gp.predict(points, means, variances);
        }

        /** The squared distance of two points in length-scales, {@code r²} of the kernel. */
        public double scaledDistance2(double[] a, double[] b) {
            return gp.kernel().r2(a, b);
        }
    }
}
