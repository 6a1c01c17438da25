package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class GaussianProcessTest {
    static final Matern52 KERNEL = new Matern52(new double[]{0.25, 0.4}, 1.3, new boolean[2]);

    static double f(double[] x) {
        return Math.sin(5 * x[0]) + Math.cos(3 * x[1]);
    }

    static GaussianProcess gp(double noise) {
        var rng = new SplittableRandom(5);
        double[][] x = new double[12][];
        double[] y = new double[12];
        for (int i = 0; i < x.length; i++) {
            x[i] = new double[]{rng.nextDouble(), rng.nextDouble()};
            y[i] = f(x[i]);
        }
        return GaussianProcess.create(x, y, KERNEL, noise, 0.1);
    }

    @Test
    void interpolatesNoiselessTrainingPointsAndItsVarianceVanishesThere() {
        var rng = new SplittableRandom(5);
        GaussianProcess gp = gp(1e-10);
        double[] mean = new double[1], var = new double[1];
        for (int i = 0; i < 12; i++) {
            double[] x = {rng.nextDouble(), rng.nextDouble()};
            assertThat(gp.mean(x)).as("point %d", i).isCloseTo(f(x), within(1e-5));
            gp.predict(new double[][]{x}, mean, var);
            assertThat(var[0]).isLessThan(1e-6);
        }
    }

    @Test
    void varianceShrinksAtDataAndGrowsAwayFromIt() {
        double[][] x = {{0.5, 0.5}};
        GaussianProcess gp = GaussianProcess.create(x, new double[]{1.0}, KERNEL, 1e-4, 0.0);
        double[][] pts = {{0.5, 0.5}, {0.55, 0.5}, {0.7, 0.6}, {1.0, 1.0}};
        double[] mean = new double[4], var = new double[4];
        gp.predict(pts, mean, var);
        assertThat(var[0]).isLessThan(1e-3);
        assertThat(var[0]).isLessThan(var[1]);
        assertThat(var[1]).isLessThan(var[2]);
        assertThat(var[2]).isLessThan(var[3]);
        assertThat(var[3]).isLessThanOrEqualTo(KERNEL.signal()).isGreaterThan(0.9 * KERNEL.signal());
        // far away the mean returns to the constant mean
        assertThat(gp.mean(new double[]{50, 50})).isCloseTo(0.0, within(1e-12));
        assertThat(mean[0]).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void batchAndSinglePredictionsAgreeAndGradientsMatchFiniteDifferences() {
        GaussianProcess gp = gp(1e-3);
        var rng = new SplittableRandom(9);
        double[][] pts = new double[7][];
        for (int i = 0; i < pts.length; i++) {
            pts[i] = new double[]{rng.nextDouble(), rng.nextDouble()};
        }
        double[] mean = new double[7], var = new double[7];
        gp.predict(pts, mean, var);
        double[] gm = new double[2], gv = new double[2];
        for (int i = 0; i < pts.length; i++) {
            double[] mv = gp.predict(pts[i], gm, gv);
            assertThat(mv[0]).isCloseTo(mean[i], within(1e-12));
            assertThat(mv[1]).isCloseTo(var[i], within(1e-12));
            for (int k = 0; k < 2; k++) {
                double h = 1e-6;
                double[] p = pts[i].clone(), m = pts[i].clone();
                p[k] += h;
                m[k] -= h;
                double[] a = new double[2], b = new double[2];
                double[] mp = gp.predict(p, a, b), mm = gp.predict(m, a, b);
                assertThat(gm[k]).isCloseTo((mp[0] - mm[0]) / (2 * h), within(1e-6));
                assertThat(gv[k]).isCloseTo((mp[1] - mm[1]) / (2 * h), within(1e-6));
            }
        }
    }

    @Test
    void conditioningEqualsRefittingWithThePointAdded() {
        var rng = new SplittableRandom(5);
        double[][] x = new double[13][];
        double[] y = new double[13];
        for (int i = 0; i < 12; i++) {
            x[i] = new double[]{rng.nextDouble(), rng.nextDouble()};
            y[i] = f(x[i]);
        }
        x[12] = new double[]{0.9, 0.1};
        y[12] = -0.7;
        GaussianProcess grown = gp(1e-3).condition(x[12], y[12]);
        GaussianProcess direct = GaussianProcess.create(x, y, KERNEL, 1e-3, 0.1);
        double[][] pts = {{0.3, 0.3}, {0.85, 0.15}, {0.1, 0.9}};
        double[] m1 = new double[3], v1 = new double[3], m2 = new double[3], v2 = new double[3];
        grown.predict(pts, m1, v1);
        direct.predict(pts, m2, v2);
        assertThat(m1).containsExactly(m2, within(1e-10));
        assertThat(v1).containsExactly(v2, within(1e-10));
    }
}
