package dev.orchard.engine.optimize.tpe;

import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.special.Erf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The normal tail functions and the truncated normal: checked against Hipparchus and against quadrature. */
class TruncatedNormalTest {

    @Test
    void erfcAgreesWithHipparchus() {
        for (double x = -6; x <= 26.5; x += 0.0173) {
            double expected = Erf.erfc(x);
            // Hipparchus goes through the incomplete gamma function, whose exp(-x^2) loses ~1e-13 relative by x = 23
            assertThat(Gauss.erfc(x)).as("erfc(%s)", x).isCloseTo(expected, within(Math.abs(expected) * 1e-12));
        }
        assertThat(Gauss.erfc(0)).isEqualTo(1.0);
        assertThat(Gauss.erfc(30)).isEqualTo(0.0);
        assertThat(Gauss.erfc(-30)).isEqualTo(2.0);
    }

    @Test
    void logNdtrIsContinuousWhereTheAsymptoticSeriesTakesOver() {
        double below = Gauss.logNdtrNegative(Math.nextDown(-20.0));
        double at = Gauss.logNdtrNegative(-20.0); // direct
        assertThat(below).isCloseTo(at, within(Math.abs(at) * 1e-12));
        // and the series agrees with the direct form where both hold (Phi(-30) ~ 4.9e-198 is still a double)
        double direct = Math.log(0.5 * Erf.erfc(30 / Math.sqrt(2)));
        assertThat(Gauss.logNdtrNegative(-30)).isCloseTo(direct, within(Math.abs(direct) * 1e-13));
        // far beyond underflow it stays finite: log Phi(-100) = -5005.52...
        assertThat(Gauss.logNdtrNegative(-100)).isCloseTo(-5005.524208, within(1e-5));
    }

    @Test
    void logGaussMassAgreesWithHipparchusInTheBody() {
        NormalDistribution n = new NormalDistribution(0, 1);
        double[][] cases = {{-1, 1}, {-3, 0.5}, {0.2, 0.3}, {1.5, 4}, {-4, -3.9}, {-0.5, 6}, {2, 2.000001}};
        for (double[] c : cases) {
            double expected = Math.log(n.cumulativeProbability(c[1]) - n.cumulativeProbability(c[0]));
            assertThat(TruncatedNormal.logGaussMass(c[0], c[1])).as("[%s, %s]", c[0], c[1])
                    .isCloseTo(expected, within(1e-9 * Math.max(1, Math.abs(expected))));
        }
    }

    @ParameterizedTest
    @CsvSource({"-45, -44", "44, 45", "-200, -199.5", "30, 1000", "-1000, -37", "-1e-9, 1e-9", "50, 50.000001"})
    void logGaussMassIsAccurateFarInTheTails(double a, double b) {
        // log of the integral of phi over [a, b] by Simpson's rule in log space (log-sum-exp of weighted terms)
        int m = 20000;
        double hi = Math.min(b, a >= 0 ? a + 50 / Math.max(1, a) : b); // the mass sits within ~50/|a| of the inner end
        double lo = Math.max(a, b <= 0 ? b - 50 / Math.max(1, -b) : a);
        double h = (hi - lo) / m;
        double[] terms = new double[m + 1];
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i <= m; i++) {
            double w = (i == 0 || i == m) ? 1 : (i % 2 == 1 ? 4 : 2);
            terms[i] = Math.log(w * h / 3) + Gauss.normLogPdf(lo + i * h);
            max = Math.max(max, terms[i]);
        }
        double s = 0;
        for (double t : terms) {
            s += Math.exp(t - max);
        }
        double expected = max + Math.log(s);
        assertThat(TruncatedNormal.logGaussMass(a, b)).isCloseTo(expected, within(1e-7 * Math.max(1, Math.abs(expected))));
    }

    @ParameterizedTest
    @CsvSource({
            "0.5, 0.2, 0, 1",     // centred
            "0.3, 2.0, 0, 1",     // wide: nearly uniform
            "0.5, 0.001, 0, 1",   // narrow
            "-50, 1, 0, 1",       // centre 50 sigma below the range: density ~ exponential at the low end
            "100, 2, 0, 10",      // 45 to 50 sigma above the range
            "-3, 0.5, -2, 5",     // two sigma outside
            "7, 1e-2, 7, 7.5"})   // centre on the boundary
    void logPdfIntegratesToOne(double mu, double sigma, double low, double high) {
        // Simpson's rule on [low, high] with a grid refined towards where the mass sits
        int m = 200_000;
        double h = (high - low) / m;
        double logMass = TruncatedNormal.logGaussMass((low - mu) / sigma, (high - mu) / sigma);
        double sum = 0;
        for (int i = 0; i <= m; i++) {
            double w = (i == 0 || i == m) ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += w * Math.exp(TruncatedNormal.logPdf(low + i * h, mu, sigma, low, high, logMass));
        }
        assertThat(sum * h / 3).isCloseTo(1.0, within(1e-6));
        assertThat(TruncatedNormal.logPdf(low - 1e-9, mu, sigma, low, high)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(TruncatedNormal.logPdf(high + 1e-9, mu, sigma, low, high)).isEqualTo(Double.NEGATIVE_INFINITY);
    }

    @ParameterizedTest
    @CsvSource({"0.5, 0.2, 0, 1", "-50, 1, 0, 1", "100, 2, 0, 10", "0, 1e-12, -1, 1", "3, 1e6, 0, 1", "0.5, 0.001, 0, 1",
            "-1e6, 1, 0, 1"})
    void samplesStayWithinTheBounds(double mu, double sigma, double low, double high) {
        SplittableRandom r = new SplittableRandom(5);
        double[] us = new double[2003];
        for (int i = 0; i < 2000; i++) {
            us[i] = r.nextDouble();
        }
        us[2000] = 0.0;
        us[2001] = Math.nextDown(1.0);
        us[2002] = 1e-300;
        for (double u : us) {
            double x = TruncatedNormal.sample(u, mu, sigma, low, high);
            assertThat(x).as("u=%s", u).isBetween(low, high);
        }
    }

    @ParameterizedTest
    @CsvSource({"-1, 1", "-0.5, 3", "0.2, 0.9", "-7, -6", "50, 51", "-60, -50", "-2e-6, 1e-6", "3, 40", "-40, 2"})
    void ppfInvertsTheCdf(double a, double b) {
        // the mass left of ppf(q) is q; in log space, so far-tail intervals count too
        double logMass = TruncatedNormal.logGaussMass(a, b);
        for (double q : new double[]{1e-6, 0.01, 0.3, 0.5, 0.77, 0.99, 1 - 1e-9}) {
            double z = TruncatedNormal.ppf(q, a, b);
            assertThat(z).isBetween(a, b);
            double left = Math.exp(TruncatedNormal.logGaussMass(a, z) - logMass);
            assertThat(left).as("q=%s", q).isCloseTo(q, within(1e-8 + 1e-6 * q));
        }
    }

    @Test
    void samplesHaveTheTruncatedNormalsMean() {
        // N(0.2, 0.5) truncated to [0, 1]: mean = mu + sigma (phi(a) - phi(b)) / (Phi(b) - Phi(a))
        double mu = 0.2, sigma = 0.5, a = -0.4, b = 1.6;
        NormalDistribution n = new NormalDistribution(0, 1);
        double mean = mu + sigma * (n.density(a) - n.density(b)) / (n.cumulativeProbability(b) - n.cumulativeProbability(a));
        SplittableRandom r = new SplittableRandom(11);
        double s = 0;
        int m = 40_000;
        for (int i = 0; i < m; i++) {
            s += TruncatedNormal.sample(r.nextDouble(), mu, sigma, 0, 1);
        }
        // standard error ~ 0.28 / sqrt(40000) = 0.0014; 0.008 is over five of them
        assertThat(s / m).isCloseTo(mean, within(0.008));
    }
}
