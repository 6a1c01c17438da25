package dev.orchard.engine.optimize.tpe;

import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.UniformParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Optuna's rules, with golden values worked out by hand in the comments. */
class TpeRulesTest {

    static final ParzenEstimator.Settings UNIVARIATE = new ParzenEstimator.Settings(1.0, true, false, false);

    @ParameterizedTest
    @CsvSource({
            "1, 1",      // ceil(0.1) = 1
            "9, 1",      // ceil(0.9) = 1
            "10, 1",     // ceil(1.0) = 1 (0.1 * 10 is exactly 1.0 in binary floating point)
            "11, 2",     // ceil(1.1) = 2
            "100, 10",   // ceil(10.0) = 10
            "250, 25",   // ceil(25.0) = 25, the cap
            "1000, 25",  // ceil(100) = 100, capped at 25
            "0, 0"})
    void gammaSplitSizes(int n, int below) {
        assertThat(TpeOptimizer.gamma(n)).isEqualTo(below);
    }

    @Test
    void defaultWeights() {
        // n < 25: all ones
        assertThat(ParzenEstimator.defaultWeights(10)).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        // n = 25: the ramp linspace(1/25, 1, 0) is empty, then 25 ones
        assertThat(ParzenEstimator.defaultWeights(25)).hasSize(25).containsOnly(1.0);
        // n = 30: ramp = linspace(1/30, 1, 5), step (1 - 1/30) / 4 = 29/120:
        //   4/120, 33/120, 62/120, 91/120, 120/120 = 1/30, 11/40, 31/60, 91/120, 1; then 25 ones
        double[] w = ParzenEstimator.defaultWeights(30);
        assertThat(w).hasSize(30);
        double[] ramp = {1.0 / 30, 11.0 / 40, 31.0 / 60, 91.0 / 120, 1.0};
        for (int i = 0; i < 5; i++) {
            assertThat(w[i]).as("w[%d]", i).isCloseTo(ramp[i], within(1e-15));
        }
        for (int i = 5; i < 30; i++) {
            assertThat(w[i]).isEqualTo(1.0);
        }
        // n = 26: linspace(1/26, 1, 1) = [1/26]
        assertThat(ParzenEstimator.defaultWeights(26)[0]).isEqualTo(1.0 / 26);
        assertThat(ParzenEstimator.defaultWeights(0)).isEmpty();
    }

    @Test
    void univariateBandwidthsSmallExample() {
        // range [0, 10], observations {2, 3, 7}, the prior's centre 5.
        // sorted with the ends as sentinels: [0 | 2, 3, 5, 7 | 10]
        //   2: max(2 - 0, 3 - 2) = 2;  3: max(1, 2) = 2;  5: max(2, 2) = 2;  7: max(7 - 5, 10 - 7) = 3
        // consider_endpoints = false: the first takes its inner gap 3 - 2 = 1, the last 7 - 5 = 2
        //   -> observations 2, 3, 7 get 1, 2, 2 (the prior's 2 is replaced by its own sigma = range)
        double[] raw = ParzenEstimator.univariateSigmas(new double[]{2, 3, 7}, 0, 10, false);
        assertThat(raw).containsExactly(1, 2, 2);
        // with consider_endpoints = true the ends count: 2, 2, 3
        assertThat(ParzenEstimator.univariateSigmas(new double[]{2, 3, 7}, 0, 10, true)).containsExactly(2, 2, 3);
        // magic clip: n_kernels = 3 + 1 = 4, minsigma = 10 / min(100, 1 + 4) = 2, maxsigma = 10 -> 2, 2, 2
        double[] clipped = raw.clone();
        ParzenEstimator.clipSigmas(clipped, 3, 0, 10, true);
        assertThat(clipped).containsExactly(2, 2, 2);

        // and the estimator puts the prior last: mu 5, sigma 10
        Dim x = Dim.of(0, new UniformParam("x", 0, 10));
        var pe = new ParzenEstimator(new Dim[]{x}, new double[][]{{2, 3, 7}}, 3, null, UNIVARIATE);
        assertThat(pe.mus(0)).containsExactly(2, 3, 7, 5);
        assertThat(pe.sigmas(0)).containsExactly(2, 2, 2, 10);
        assertThat(pe.weights()).containsExactly(0.25, 0.25, 0.25, 0.25);
    }

    @Test
    void univariateBandwidthsWhereTheClipBitesOnlyOnce() {
        // range [0, 100], observations {60, 10, 90, 12} (unsorted on purpose), prior centre 50.
        // sorted: [0 | 10, 12, 50, 60, 90 | 100]
        //   10: max(10, 2) = 10 -> first, inner gap 12 - 10 = 2;  12: max(2, 38) = 38;  50 (prior): max(38, 10)
        //   60: max(10, 30) = 30;  90: max(30, 10) = 30 -> last, inner gap 90 - 60 = 30
        // magic clip: n_kernels = 5, minsigma = 100 / 6 = 16.67 -> 10 gets 16.67, the others keep theirs
        double[] s = ParzenEstimator.univariateSigmas(new double[]{60, 10, 90, 12}, 0, 100, false);
        assertThat(s).containsExactly(30, 2, 30, 38);
        ParzenEstimator.clipSigmas(s, 4, 0, 100, true);
        assertThat(s[0]).isEqualTo(30);
        assertThat(s[1]).isCloseTo(100.0 / 6, within(1e-12));
        assertThat(s[2]).isEqualTo(30);
        assertThat(s[3]).isEqualTo(38);
    }

    @Test
    void bandwidthsOfOneObservationAndOfNone() {
        // one observation at 8 in [0, 10]: sorted [0 | 5, 8 | 10]; both ends rule: first (the prior) 8 - 5, last 8 - 5
        assertThat(ParzenEstimator.univariateSigmas(new double[]{8}, 0, 10, false)).containsExactly(3);
        // none: only the prior kernel, as wide as the range
        Dim x = Dim.of(0, new UniformParam("x", 0, 10));
        var pe = new ParzenEstimator(new Dim[]{x}, new double[][]{{}}, 0, null, UNIVARIATE);
        assertThat(pe.kernels()).isEqualTo(1);
        assertThat(pe.mus(0)).containsExactly(5);
        assertThat(pe.sigmas(0)).containsExactly(10);
    }

    @Test
    void multivariateBandwidth() {
        // n = 10, d = 2, range [0, 1]: 0.2 * 10^(-1/6) = 0.2 * 0.6812920690579612 = 0.13625841381159224
        assertThat(ParzenEstimator.multivariateSigmas(10, 2, 0, 1)[0]).isCloseTo(0.13625841381159224, within(1e-15));
        // and it survives the magic clip (minsigma = 1/12)
        Dim a = Dim.of(0, new UniformParam("a", 0, 1));
        Dim b = Dim.of(1, new UniformParam("b", 0, 1));
        double[][] obs = {{.1, .2, .3, .4, .5, .6, .7, .8, .9, .95}, {.5, .5, .5, .5, .5, .5, .5, .5, .5, .5}};
        var pe = new ParzenEstimator(new Dim[]{a, b}, obs, 10, null, new ParzenEstimator.Settings(1.0, true, false, true));
        assertThat(pe.sigmas(0)[3]).isCloseTo(0.13625841381159224, within(1e-15));
        assertThat(pe.sigmas(1)[10]).isEqualTo(1.0); // the prior
    }

    @Test
    void categoricalKernelWeights() {
        // 3 choices, observations {0, 2, 2}, prior_weight 1: n_kernels = 4, every cell starts at 1/4
        //   observation rows: [1.25, .25, .25] / 1.75 = [5/7, 1/7, 1/7];  [.25, .25, 1.25] / 1.75 = [1/7, 1/7, 5/7] (x2)
        //   prior row: [.25, .25, .25] / .75 = [1/3, 1/3, 1/3]
        double[][] w = ParzenEstimator.categoricalWeights(new int[]{0, 2, 2}, 3, 1.0);
        double[][] expected = {{5 / 7., 1 / 7., 1 / 7.}, {1 / 7., 1 / 7., 5 / 7.}, {1 / 7., 1 / 7., 5 / 7.}, {1 / 3., 1 / 3., 1 / 3.}};
        for (int k = 0; k < 4; k++) {
            for (int c = 0; c < 3; c++) {
                assertThat(w[k][c]).as("w[%d][%d]", k, c).isCloseTo(expected[k][c], within(1e-15));
            }
        }
        // the mixture (kernel weights 1/4 each): p(0) = (5/7 + 1/7 + 1/7 + 1/3) / 4 = 1/3,
        //   p(1) = (3/7 + 1/3) / 4 = 4/21, p(2) = (11/7 + 1/3) / 4 = 10/21
        Dim c = Dim.of(0, new ChoiceParam("c", List.of("a", "b", "c")));
        var pe = new ParzenEstimator(new Dim[]{c}, new double[][]{{0, 2, 2}}, 3, null, UNIVARIATE);
        double[] lp = pe.logPdf(new double[][]{{0}, {1}, {2}});
        assertThat(Math.exp(lp[0])).isCloseTo(1 / 3., within(1e-15));
        assertThat(Math.exp(lp[1])).isCloseTo(4 / 21., within(1e-15));
        assertThat(Math.exp(lp[2])).isCloseTo(10 / 21., within(1e-15));
        // no observations: one uniform prior row
        assertThat(ParzenEstimator.categoricalWeights(new int[0], 4, 1.0)).isDeepEqualTo(new double[][]{{.25, .25, .25, .25}});
    }

    @Test
    void discreteKernelsPutAllTheirMassOnTheValues() {
        // int [1, 9], log int [1, 64] and an ordinal choice: the masses of the cells sum to one
        Dim[] ds = {Dim.of(0, new IntParam("i", 1, 9, false)), Dim.of(0, new IntParam("l", 1, 64, true)),
                Dim.of(0, new ChoiceParam("o", List.of(16, 32, 64, 128)))};
        double[][] obs = {{2, 2, 3, 9, 5}, {1, 2, 40, 64, 7}, {0, 0, 3, 1, 1}};
        for (int j = 0; j < ds.length; j++) {
            var pe = new ParzenEstimator(new Dim[]{ds[j]}, new double[][]{obs[j]}, 5, null, UNIVARIATE);
            int values = (int) (ds[j].high() - ds[j].low() + 1);
            double[][] x = new double[values][1];
            for (int v = 0; v < values; v++) {
                x[v][0] = ds[j].low() + v;
            }
            double sum = 0;
            for (double l : pe.logPdf(x)) {
                sum += Math.exp(l);
            }
            assertThat(sum).as(ds[j].name()).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void continuousMixtureIntegratesToOne() {
        // a log-uniform parameter: kernels in log space, so the density integrates to one over log x
        Dim lr = Dim.of(0, new LogUniformParam("lr", 1e-5, 1));
        var pe = new ParzenEstimator(new Dim[]{lr}, new double[][]{{1e-5, 3e-4, 3e-4, 0.9, 1e-2}}, 5, null, UNIVARIATE);
        double lo = Math.log(1e-5);
        double hi = 0;
        int m = 20_000;
        double h = (hi - lo) / m;
        double[][] x = new double[m + 1][1];
        for (int i = 0; i <= m; i++) {
            x[i][0] = Math.min(1, Math.max(1e-5, Math.exp(lo + i * h)));
        }
        double[] lp = pe.logPdf(x);
        double sum = 0;
        for (int i = 0; i <= m; i++) {
            double w = (i == 0 || i == m) ? 1 : (i % 2 == 1 ? 4 : 2);
            sum += w * Math.exp(lp[i]);
        }
        assertThat(sum * h / 3).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void samplesOfDiscreteAndLogParametersAreValidValues() {
        Dim[] ds = {Dim.of(0, new IntParam("i", -3, 4, false)), Dim.of(1, new IntParam("w", 8, 1024, true)),
                Dim.of(2, new LogUniformParam("lr", 1e-5, 1)), Dim.of(3, new ChoiceParam("o", List.of(1, 2, 3))),
                Dim.of(4, new ChoiceParam("s", List.of("x", "y")))};
        double[][] obs = {{-3, 4, 0}, {8, 1024, 100}, {1e-5, 1, 0.01}, {0, 2, 1}, {1, 1, 0}};
        var pe = new ParzenEstimator(ds, obs, 3, null, new ParzenEstimator.Settings(1.0, true, false, true));
        for (double[] s : pe.sample(new java.util.SplittableRandom(3), 500)) {
            assertThat(s[0]).isBetween(-3.0, 4.0).isEqualTo(Math.rint(s[0]));
            assertThat(s[1]).isBetween(8.0, 1024.0).isEqualTo(Math.rint(s[1]));
            assertThat(s[2]).isBetween(1e-5, 1.0);
            assertThat(s[3]).isIn(0.0, 1.0, 2.0);
            assertThat(s[4]).isIn(0.0, 1.0);
        }
    }

    @Test
    void discreteLogPdfMatchesTheKernelByKernelSum() {
        // the estimator groups kernels by (mu, sigma) and skips those too far to matter; compare with the plain sum
        // over kernels of w_k * mass_k(cell) / mass_k(range)
        java.util.SplittableRandom r = new java.util.SplittableRandom(9);
        for (Dim dim : new Dim[]{Dim.of(0, new IntParam("n", 1, 1000, false)), Dim.of(0, new IntParam("w", 1, 4096, true))}) {
            for (boolean mv : new boolean[]{false, true}) {
                int n = 300;
                double[] obs = new double[n];
                for (int i = 0; i < n; i++) {
                    // clustered, with repeats, as a converging search produces
                    obs[i] = i % 3 == 0 ? dim.low() + r.nextInt((int) (dim.high() - dim.low() + 1))
                            : Math.min(dim.high(), dim.low() + 3 + r.nextInt(20));
                }
                var pe = new ParzenEstimator(new Dim[]{dim}, new double[][]{obs}, n, null,
                        new ParzenEstimator.Settings(1.0, true, false, mv));
                double[] mu = pe.mus(0);
                double[] sg = pe.sigmas(0);
                double[] w = pe.weights();
                double lo = dim.adaptedLow();
                double hi = dim.adaptedHigh();
                double[][] x = {{dim.low()}, {dim.low() + 5}, {dim.low() + 17}, {Math.rint((dim.low() + dim.high()) / 2)},
                        {dim.high()}, {dim.high() - 1}};
                double[] got = pe.logPdf(x);
                for (int c = 0; c < x.length; c++) {
                    double left = dim.toKernel(x[c][0] - 0.5);
                    double right = dim.toKernel(x[c][0] + 0.5);
                    double sum = 0;
                    for (int k = 0; k < mu.length; k++) {
                        double mass = Math.exp(TruncatedNormal.logGaussMass((left - mu[k]) / sg[k], (right - mu[k]) / sg[k])
                                - TruncatedNormal.logGaussMass((lo - mu[k]) / sg[k], (hi - mu[k]) / sg[k]));
                        sum += w[k] * mass;
                    }
                    assertThat(got[c]).as("%s mv=%s x=%s", dim.name(), mv, x[c][0]).isCloseTo(Math.log(sum), within(1e-12));
                }
            }
        }
    }

    @Test
    void stableArgsort() {
        assertThat(ParzenEstimator.argsortStable(new double[]{3, 1, 2, 1, 3, 0})).containsExactly(5, 1, 3, 2, 0, 4);
    }
}
