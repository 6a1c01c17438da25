package dev.orchard.engine.optimize.gp;

import org.hipparchus.special.Erf;

/**
 * Numerically stable log expected improvement (Ament, Daulton, Eriksson, Balandat and Bakshy, "Unexpected Improvements
 * to Expected Improvement for Bayesian Optimization", NeurIPS 2023). For minimisation with incumbent {@code best},
 * {@code z = (best − μ)/σ} and {@code EI = σ h(z)} with {@code h(z) = φ(z) + z Φ(z)}; this class computes
 * {@code log h(z)} without the cancellation of the direct formula:
 * <pre>
 *   z > −1:              log(φ(z) + z Φ(z))
 *   −1/√ε < z ≤ −1:      −z²/2 − c₁ + log1mexp(log(erfcx(−z/√2) |z|) + c₂)
 *   z ≤ −1/√ε:           −z²/2 − c₁ − 2 log |z|
 * </pre>
 * with {@code c₁ = log(2π)/2}, {@code c₂ = log(π/2)/2} and {@code erfcx(t) = exp(t²) erfc(t)}; the derivative
 * {@code d log h/dz = Φ(z)/h(z)} is computed in the same three regimes.
 */
final class LogEi {
    private static final double C1 = 0.5 * Math.log(2 * Math.PI);
    private static final double C2 = 0.5 * Math.log(Math.PI / 2);
    private static final double SQRT2 = Math.sqrt(2);
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
    /** −1/√ε: below it the asymptotic form is exact to double precision. */
    private static final double FAR = -1.0 / Math.sqrt(Math.ulp(1.0));

    private LogEi() {
    }

    /** {@code log h(z) = log(φ(z) + z Φ(z))}. */
    static double logH(double z) {
        if (Double.isNaN(z)) {
            return Double.NaN;
        }
        if (z > -1) {
            return Math.log(pdf(z) + z * cdf(z));
        }
        if (z > FAR) {
            double t = -z / SQRT2;
            return -0.5 * z * z - C1 + log1mexp(Math.log(erfcx(t) * -z) + C2);
        }
        return -0.5 * z * z - C1 - 2 * Math.log(-z);
    }

    /** {@code d log h / dz = Φ(z)/h(z)} (positive). */
    static double dLogH(double z) {
        if (z > -1) {
            return cdf(z) / (pdf(z) + z * cdf(z));
        }
        if (z > FAR) {
            double ex = erfcx(-z / SQRT2);
            // Φ = ½ e^{−z²/2} erfcx,  h = e^{−z²/2}/√(2π) · (1 − |z| √(π/2) erfcx)
            return 0.5 * SQRT_2PI * ex / -Math.expm1(Math.log(ex * -z) + C2);
        }
        return -z - 2.0 / z;
    }

    /** {@code log EI} for minimisation: {@code log σ + log h((best − μ)/σ)}. */
    static double value(double mean, double sd, double best) {
        return Math.log(sd) + logH((best - mean) / sd);
    }

    /**
     * {@code log EI} and its partial derivatives: returns {@code [value, ∂/∂μ, ∂/∂σ]}.
     */
    static double[] valueAndPartials(double mean, double sd, double best) {
        double z = (best - mean) / sd;
        double r = dLogH(z);
        return new double[]{Math.log(sd) + logH(z), -r / sd, (1.0 - z * r) / sd};
    }

    /** The scaled complementary error function {@code exp(t²) erfc(t)} for {@code t ≥ 0}. */
    static double erfcx(double t) {
        if (t < 2.0) {
            return Math.exp(t * t) * Erf.erfc(t);
        }
        // Laplace continued fraction: erfc t = e^{−t²}/√π · 1/(t + (1/2)/(t + 1/(t + (3/2)/(t + …))))
        double f = t;
        for (int k = 60; k >= 1; k--) {
            f = t + 0.5 * k / f;
        }
        return 1.0 / (SQRT_PI * f);
    }

    /** {@code log(1 − e^a)} for {@code a < 0}. */
    static double log1mexp(double a) {
        return a > -Math.log(2) ? Math.log(-Math.expm1(a)) : Math.log1p(-Math.exp(a));
    }

    static double pdf(double z) {
        return Math.exp(-0.5 * z * z) / SQRT_2PI;
    }

    static double cdf(double z) {
        return 0.5 * Erf.erfc(-z / SQRT2);
    }
}
