package dev.orchard.engine.optimize.tpe;

/**
 * The normal distribution truncated to an interval: log probability mass, log density and inverse CDF, all in log space
 * so that kernels whose interval lies far in a tail (tens of standard deviations away) keep finite, accurate values.
 * Follows Optuna's {@code _truncnorm.py} (itself derived from SciPy's {@code truncnorm}); arguments {@code a} and
 * {@code b} are the interval's ends in standard units, {@code (end - mu) / sigma}.
 */
final class TruncatedNormal {
    private TruncatedNormal() {
    }

    /** Below this width (standard units) the mass is taken by the midpoint rule, which is then exact to ~1e-12. */
    private static final double NARROW = 1e-5;

    /**
     * log(Phi(b) - Phi(a)) for a ≤ b. The interval is reflected into the left tail where Phi is accurate; one that
     * straddles zero uses {@code log1p(-Phi(a) - Phi(-b))}, which avoids cancellation as the mass approaches one.
     */
    static double logGaussMass(double a, double b) {
        if (a > 0) {
            double t = a;
            a = -b;
            b = -t;
        }
        double w = b - a;
        if (w < NARROW) {
            // An interval narrower than rounding can resolve as a difference of CDFs (discrete kernels of a very wide
            // integer range): mass = w phi(m) (1 + w^2 (m^2 - 1) / 24 + O(w^4 m^4)).
            double m = 0.5 * (a + b);
            if (w * Math.abs(m) < 1e-2) {
                return Math.log(w) + Gauss.normLogPdf(m) + Math.log1p(w * w * (m * m - 1) / 24);
            }
        }
        if (b <= 0) {
            if (b > -30) {
                // Phi(b) is a normal double here: take the difference directly unless it cancels (one log, not three)
                double pb = Gauss.ndtr(b);
                double d = pb - Gauss.ndtr(a);
                if (d > 1e-3 * pb) {
                    return Math.log(d);
                }
            }
            double logB = Gauss.logNdtrNegative(b);
            if (logB == Double.NEGATIVE_INFINITY) {
                return Double.NEGATIVE_INFINITY;
            }
            double logA = Gauss.logNdtrNegative(a);
            return logB + Math.log(-Math.expm1(logA - logB));
        }
        return Math.log1p(-Gauss.ndtr(a) - Gauss.ndtr(-b));
    }

    /**
     * Log density at {@code x} of N(mu, sigma) truncated to [low, high]; -inf outside. {@code logMass} is
     * {@code logGaussMass((low - mu) / sigma, (high - mu) / sigma)}, passed in because callers reuse it.
     */
    static double logPdf(double x, double mu, double sigma, double low, double high, double logMass) {
        if (x < low || x > high) {
            return Double.NEGATIVE_INFINITY;
        }
        double z = (x - mu) / sigma;
        return Gauss.normLogPdf(z) - logMass - Math.log(sigma);
    }

    /** Log density of N(mu, sigma) truncated to [low, high]. */
    static double logPdf(double x, double mu, double sigma, double low, double high) {
        return logPdf(x, mu, sigma, low, high, logGaussMass((low - mu) / sigma, (high - mu) / sigma));
    }

    /**
     * The quantile {@code q} in (0, 1) of the standard normal truncated to [a, b] (Optuna's {@code ppf}): solves
     * {@code Phi(x) = Phi(a) + q (Phi(b) - Phi(a))} in log space, reflected for a ≥ 0 so it works in the left tail.
     * The result always lies in [a, b].
     */
    static double ppf(double q, double a, double b) {
        double logMass = logGaussMass(a, b);
        double x;
        if (a < 0) {
            x = Gauss.ndtriExp(logAddExp(Gauss.logNdtrNegative(a), logMass + Math.log(q)));
        } else {
            x = -Gauss.ndtriExp(logAddExp(Gauss.logNdtrNegative(-b), logMass + Math.log1p(-q)));
        }
        if (Double.isNaN(x)) {
            x = q < 0.5 ? a : b;
        }
        return Math.min(b, Math.max(a, x));
    }

    /** A draw of N(mu, sigma) truncated to [low, high], by inversion of the uniform {@code u} in [0, 1). */
    static double sample(double u, double mu, double sigma, double low, double high) {
        double q = u > 0 ? u : Double.MIN_VALUE;
        double x = mu + sigma * ppf(q, (low - mu) / sigma, (high - mu) / sigma);
        return Math.min(high, Math.max(low, x));
    }

    static double logAddExp(double x, double y) {
        double m = Math.max(x, y);
        if (m == Double.NEGATIVE_INFINITY) {
            return m;
        }
        return m + Math.log1p(Math.exp(-Math.abs(x - y)));
    }
}
