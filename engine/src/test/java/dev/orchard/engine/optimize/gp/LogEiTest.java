package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LogEiTest {

    /** EI of N(μ, σ²) below best, computed directly (fine where it does not cancel). */
    static double directEi(double mean, double sd, double best) {
        double z = (best - mean) / sd;
        return sd * (LogEi.pdf(z) + z * LogEi.cdf(z));
    }

    @Test
    void equalsLogOfExpectedImprovementWhereThatIsRepresentable() {
        for (double z = -5; z <= 6; z += 0.25) {
            double direct = Math.log(LogEi.pdf(z) + z * LogEi.cdf(z));
            assertThat(LogEi.logH(z)).as("z = %s", z).isCloseTo(direct, within(1e-9 * Math.max(1, Math.abs(direct))));
        }
        assertThat(LogEi.value(0.3, 0.7, 0.1)).isCloseTo(Math.log(directEi(0.3, 0.7, 0.1)), within(1e-12));
        assertThat(LogEi.value(-2, 0.5, 0.1)).isCloseTo(Math.log(directEi(-2, 0.5, 0.1)), within(1e-12));
    }

    @Test
    void matchesANumericalIntegralDeepInTheTail() {
        // h(z) = φ(z) ∫₀^∞ s e^{zs − s²/2} ds, integrated by Simpson's rule
        for (double z : new double[]{-3, -8, -15, -25}) {
            double upper = 60.0 / -z;
            int steps = 200_000;
            double dh = upper / steps, sum = 0;
            for (int i = 0; i <= steps; i++) {
                double s = i * dh;
                double w = i == 0 || i == steps ? 1 : (i % 2 == 1 ? 4 : 2);
                sum += w * s * Math.exp(z * s - s * s / 2);
            }
            double integral = sum * dh / 3;
            double reference = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) + Math.log(integral);
            assertThat(LogEi.logH(z)).as("z = %s", z).isCloseTo(reference, within(1e-8 * Math.abs(reference)));
        }
    }

    @Test
    void staysFiniteAndMonotoneForVeryNegativeZ() {
        double previous = Double.NEGATIVE_INFINITY;
        for (double z = -60; z <= 3; z += 0.01) {
            double v = LogEi.logH(z);
            assertThat(v).as("z = %s", z).isFinite().isGreaterThan(previous);
            previous = v;
        }
        assertThat(LogEi.logH(-40)).isFinite().isLessThan(LogEi.logH(-39.99));
        // EI itself underflows there, log-EI does not
        assertThat(LogEi.pdf(-40) + -40 * LogEi.cdf(-40)).isLessThanOrEqualTo(0.0);
        assertThat(LogEi.logH(-40)).isCloseTo(-800 - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(40), within(0.01));
        for (double z : new double[]{-1e3, -1e6, -1e8, -1e12}) {
            assertThat(LogEi.logH(z)).isFinite().isLessThan(LogEi.logH(z / 1.001));
            assertThat(LogEi.dLogH(z)).isFinite().isPositive();
        }
        // the regimes join smoothly
        assertThat(LogEi.logH(-1 - 1e-12)).isCloseTo(LogEi.logH(-1 + 1e-12), within(1e-10));
        double far = -1.0 / Math.sqrt(Math.ulp(1.0));
        assertThat(LogEi.logH(far * (1 + 1e-12))).isCloseTo(LogEi.logH(far * (1 - 1e-12)), within(1e-6 * Math.abs(LogEi.logH(far))));
    }

    @Test
    void derivativeMatchesFiniteDifferences() {
        for (double z : new double[]{-40, -20, -6, -2.5, -1.2, -0.5, 0, 1.5, 4}) {
            double h = 1e-6 * Math.max(1, Math.abs(z));
            double fd = (LogEi.logH(z + h) - LogEi.logH(z - h)) / (2 * h);
            assertThat(LogEi.dLogH(z)).as("z = %s", z).isCloseTo(fd, within(1e-5 * Math.max(1, Math.abs(fd))));
        }
        // partials of log EI in μ and σ
        double mean = 0.4, sd = 0.3, best = -0.9, h = 1e-7;
        double[] p = LogEi.valueAndPartials(mean, sd, best);
        assertThat(p[1]).isCloseTo((LogEi.value(mean + h, sd, best) - LogEi.value(mean - h, sd, best)) / (2 * h), within(1e-5));
        assertThat(p[2]).isCloseTo((LogEi.value(mean, sd + h, best) - LogEi.value(mean, sd - h, best)) / (2 * h), within(1e-5));
    }

    @Test
    void scaledComplementaryErrorFunctionIsAccurateAcrossItsBranches() {
        for (double t : new double[]{0.5, 1.0, 1.999, 2.0, 2.5, 3.0, 4.0, 5.0}) {
            double direct = Math.exp(t * t) * org.hipparchus.special.Erf.erfc(t);
            assertThat(LogEi.erfcx(t)).as("t = %s", t).isCloseTo(direct, within(1e-12 * direct));
        }
        // asymptotically 1/(t√π) (1 − 1/(2t²) + …)
        double t = 1e4;
        assertThat(LogEi.erfcx(t)).isCloseTo(1 / (t * Math.sqrt(Math.PI)) * (1 - 0.5 / (t * t)), within(1e-18));
    }
}
