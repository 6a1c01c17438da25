package dev.orchard.engine.predict;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The stacking of partial-curve forecasts, on synthetic out-of-fold forecasts (no network). */
class CurveBlendTest {
    static final int G = 20;
    static final double[] T = new double[G];

    static {
        for (int i = 0; i < G; i++) {
            T[i] = (i + 1) / (double) G;
        }
    }

    /**
     * Samples of curves y = 1 − 0.5·t^(−0.7) + wiggle·sin, each shown up to a random point; the "model" forecast is
     * the truth plus noise of sd {@code modelNoise} and reports sd {@code reportedSd}.
     */
    static List<CurveBlend.Sample> samples(int n, double wiggle, double modelNoise, double reportedSd, long seed) {
        var rng = new SplittableRandom(seed);
        var out = new ArrayList<CurveBlend.Sample>();
        for (int s = 0; s < n; s++) {
            double phase = rng.nextDouble() * 6;
            double[] y = new double[G], mean = new double[G], sd = new double[G];
            boolean[] all = new boolean[G];
            for (int i = 0; i < G; i++) {
                y[i] = 1 - 0.5 * Math.pow(T[i], -0.7) + wiggle * Math.sin(phase + 3 * T[i]);
                mean[i] = y[i] + modelNoise * rng.nextGaussian();
                sd[i] = reportedSd;
                all[i] = true;
            }
            var truth = new CurveGrid.Masked(y, all);
            int k = 2 + rng.nextInt(G - 3);
            out.add(new CurveBlend.Sample(truth, truth.prefix(k), mean, sd));
        }
        return out;
    }

    static final double[] RANGE = {-20, 20};

    @Test
    void weightsGoToTheComponentThatForecastsTheTrainingRunsAndStayConvex() {
        // exact power-law curves, a noisy model: the power law wins wherever it has ≥ 4 points to fit
        CurveBlend pl = CurveBlend.fit(samples(400, 0, 0.3, 0.3, 1), T, RANGE);
        assertThat(pl.weightsAt(0.5, 0.25)[1]).isGreaterThan(0.95);
        assertThat(pl.weightsAt(0.8, 0.1)[1]).isGreaterThan(0.95);
        // curves the power law cannot follow, an exact model: the model wins everywhere
        CurveBlend model = CurveBlend.fit(samples(400, 0.3, 0, 0.1, 2), T, RANGE);
        for (double p : new double[]{0.15, 0.5, 0.85}) {
            for (double h : new double[]{0.05, 0.3, 0.7}) {
                assertThat(model.weightsAt(p, h)[0]).isCloseTo(1, within(1e-6));
            }
        }
        var rng = new SplittableRandom(3);
        for (int i = 0; i < 200; i++) {
            double[] w = pl.weightsAt(rng.nextDouble() * 1.2 - 0.1, rng.nextDouble() * 1.2 - 0.1);
            assertThat(java.util.Arrays.stream(w).min().orElseThrow()).isGreaterThanOrEqualTo(0);
            assertThat(w[0] + w[1] + w[2]).isCloseTo(1, within(1e-9));
        }
    }

    @Test
    void theBandIsRecalibratedForTheBlendOnTheTrainingForecasts() {
        // the model's errors are twice the sd it reports: the band scale learnt on one set covers ~80 % of another
        CurveBlend b = CurveBlend.fit(samples(600, 0.3, 0.2, 0.1, 4), T, RANGE);
        int in = 0, all = 0;
        for (var s : samples(600, 0.3, 0.2, 0.1, 5)) {
            var band = b.apply(T, s.shown(), s.mean(), s.sd());
            for (int i = s.shown().last() + 1; i < G; i++) {
                all++;
                in += Math.abs(band.mean()[i] - s.truth().values()[i]) <= CurvePredictor.Z80 * band.sd()[i] ? 1 : 0;
            }
        }
        assertThat(in / (double) all).isBetween(0.75, 0.85);
    }

    @Test
    void simplexLeastSquaresWeighsIndependentErrorsByTheirPrecisionAndNeverNegatively() {
        // errors of variance 1 and 3, uncorrelated: weights 3/4 and 1/4
        double[] w = CurveBlend.simplexLeastSquares(new double[][]{{1, 0}, {0, 3}}, new double[]{0, 0});
        assertThat(w[0]).isCloseTo(0.75, within(1e-6));
        assertThat(w[1]).isCloseTo(0.25, within(1e-6));
        // strongly correlated errors where the unconstrained optimum is negative: clipped to the better one alone
        double[] c = CurveBlend.simplexLeastSquares(new double[][]{{1, 1.2}, {1.2, 2}}, new double[]{0, 0});
        assertThat(c).containsExactly(1, 0);
    }

    @Test
    void aMalformedBlendIsAnErrorNamingTheField() {
        assertThatThrownBy(() -> new CurveBlend(List.of("model", "power-law"), new double[]{0.5}, new double[]{0}, new double[][][]{{{1, 0}}},
                new double[]{1}, new double[]{0, 1}, 0)).isInstanceOf(CurveDataException.class).hasMessageContaining("blend.components");
        assertThatThrownBy(() -> new CurveBlend(CurveBlend.COMPONENTS, new double[]{0.5}, new double[]{0}, new double[][][]{{{1, 0}}},
                new double[]{1}, new double[]{0, 1}, 0)).isInstanceOf(CurveDataException.class).hasMessageContaining("field 'blend' is malformed");
    }
}
