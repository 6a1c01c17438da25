package dev.orchard.engine.optimize.gp;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The GP's hyperparameters as one vector {@code θ} in the space the fit works in:
 * {@code [log ℓ_1 … log ℓ_d, log s², log σ², c]} (length-scales, signal variance, noise variance, constant mean).
 * Holds the bounds, the prior and the start points of the fit.
 *
 * <p>Priors (on standardised targets, inputs in the unit cube): {@code ℓ_k ~ Gamma(3, 6)} (BoTorch's and Ax's classic
 * default; the MAP is taken over {@code log ℓ}, so its mode is ℓ = 0.5), which keeps length-scales from collapsing onto
 * single points and from stretching over the whole cube on little data; {@code log s² ~ N(0, 1)};
 * {@code log σ² ~ N(−4, 1)} (BoTorch's noise prior); flat on {@code c}. Bounds: {@code ℓ ∈ [0.005, 200]},
 * {@code s² ∈ [0.05, 20]}, {@code σ² ∈ [1e-6, 2]} (the noise floor), {@code c ∈ [−5, 5]}.
 * <p>The dimension-scaled log-normal prior of Hvarfner et al. (ICML 2024, BoTorch's default since 0.12) was tried
 * first: on hartmann6 with 60 trials it left 1 of 12 seeds at −1.97 (median −3.203), and with batches of 4 one at
 * −1.79; the Gamma prior gave a worst of −3.20 (median −3.322) and −3.17 with batches, and was as good on branin.
 * Its pull towards long length-scales is meant for many dimensions, and few searches here have more than a dozen.
 */
final class Hyperparameters {
    static final double MIN_LENGTHSCALE = 0.005;
    static final double MAX_LENGTHSCALE = 200;
    static final double MIN_SIGNAL = 0.05;
    static final double MAX_SIGNAL = 20;
    /** The noise floor, in units of the standardised target's variance. */
    static final double MIN_NOISE = 1e-6;
    static final double MAX_NOISE = 2;
    static final double MEAN_BOUND = 5;

    private Hyperparameters() {
    }

    static int size(int d) {
        return d + 3;
    }

    static int signalIndex(int d) {
        return d;
    }

    static int noiseIndex(int d) {
        return d + 1;
    }

    static int meanIndex(int d) {
        return d + 2;
    }

    static double[] lengthscales(double[] theta, int d) {
        double[] l = new double[d];
        for (int k = 0; k < d; k++) {
            l[k] = Math.exp(theta[k]);
        }
        return l;
    }

    static double signal(double[] theta, int d) {
        return Math.exp(theta[d]);
    }

    static double noise(double[] theta, int d) {
        return Math.exp(theta[d + 1]);
    }

    static double mean(double[] theta, int d) {
        return theta[d + 2];
    }

    static double[] lower(int d) {
        double[] lo = new double[size(d)];
        Arrays.fill(lo, 0, d, Math.log(MIN_LENGTHSCALE));
        lo[d] = Math.log(MIN_SIGNAL);
        lo[d + 1] = Math.log(MIN_NOISE);
        lo[d + 2] = -MEAN_BOUND;
        return lo;
    }

    static double[] upper(int d) {
        double[] hi = new double[size(d)];
        Arrays.fill(hi, 0, d, Math.log(MAX_LENGTHSCALE));
        hi[d] = Math.log(MAX_SIGNAL);
        hi[d + 1] = Math.log(MAX_NOISE);
        hi[d + 2] = MEAN_BOUND;
        return hi;
    }

    static final double LENGTHSCALE_PRIOR_SHAPE = 3.0;
    static final double LENGTHSCALE_PRIOR_RATE = 6.0;
    static final double SIGNAL_PRIOR_MEAN = 0.0;
    static final double SIGNAL_PRIOR_VARIANCE = 1.0;
    static final double NOISE_PRIOR_MEAN = -4.0;
    static final double NOISE_PRIOR_VARIANCE = 1.0;

    /** The log prior density of {@code θ} (up to a constant); its gradient is added into {@code grad} when not null. */
    static double logPrior(double[] theta, int d, double[] grad) {
        double lp = 0;
        for (int k = 0; k < d; k++) {
            // Gamma(a, b) density of ℓ = e^θ, as a density of θ: ℓ^a e^{−bℓ} (the Jacobian adds one power of ℓ)
            double l = Math.exp(theta[k]);
            lp += LENGTHSCALE_PRIOR_SHAPE * theta[k] - LENGTHSCALE_PRIOR_RATE * l;
            if (grad != null) {
                grad[k] += LENGTHSCALE_PRIOR_SHAPE - LENGTHSCALE_PRIOR_RATE * l;
            }
        }
        lp += gaussian(theta, d, SIGNAL_PRIOR_MEAN, SIGNAL_PRIOR_VARIANCE, grad);
        lp += gaussian(theta, d + 1, NOISE_PRIOR_MEAN, NOISE_PRIOR_VARIANCE, grad);
        return lp;
    }

    private static double gaussian(double[] theta, int i, double mean, double variance, double[] grad) {
        double t = theta[i] - mean;
        if (grad != null) {
            grad[i] += -t / variance;
        }
        return -0.5 * t * t / variance;
    }

    /** The fixed first start of every fit: moderate length-scales √d/4, unit signal, small noise, zero mean. */
    static double[] defaultStart(int d) {
        double[] t = new double[size(d)];
        Arrays.fill(t, 0, d, Math.log(Math.sqrt(d) / 4.0));
        t[d] = 0.0;
        t[d + 1] = Math.log(1e-2);
        t[d + 2] = 0.0;
        return clamp(t, d);
    }

    /** A random start around the default one. */
    static double[] randomStart(int d, SplittableRandom rng) {
        double[] t = defaultStart(d);
        for (int k = 0; k < d; k++) {
            t[k] += gaussian(rng);
        }
        t[d] = 0.5 * gaussian(rng);
        t[d + 1] = Math.log(1e-5) + rng.nextDouble() * (Math.log(1e-1) - Math.log(1e-5));
        t[d + 2] = 0.3 * gaussian(rng);
        return clamp(t, d);
    }

    static double[] clamp(double[] theta, int d) {
        double[] lo = lower(d), hi = upper(d);
        double[] t = theta.clone();
        for (int i = 0; i < t.length; i++) {
            t[i] = Double.isNaN(t[i]) ? 0.5 * (lo[i] + hi[i]) : Math.min(hi[i], Math.max(lo[i], t[i]));
        }
        return t;
    }

    static double gaussian(SplittableRandom rng) {
        // Box–Muller, one value (SplittableRandom has no nextGaussian on Java 17)
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
