package dev.orchard.engine.optimize.gp;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class MarginalLikelihoodTest {

    @Test
    void gradientMatchesFiniteDifferences() {
        var rng = new SplittableRandom(11);
        int n = 25;
        boolean[] cat = {false, false, true};
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[]{rng.nextDouble(), rng.nextDouble(), rng.nextInt(3)};
            y[i] = Math.sin(6 * x[i][0]) + x[i][1] * x[i][1] + 0.3 * x[i][2] + 0.05 * rng.nextDouble();
        }
        double[] theta = {Math.log(0.3), Math.log(0.7), Math.log(1.5), Math.log(1.3), Math.log(0.01), 0.2};
        double[] grad = new double[theta.length];
        MarginalLikelihood.value(x, y, cat, theta, grad);
        for (int j = 0; j < theta.length; j++) {
            double h = 1e-5;
            double[] p = theta.clone(), m = theta.clone();
            p[j] += h;
            m[j] -= h;
            double fd = (MarginalLikelihood.value(x, y, cat, p, null) - MarginalLikelihood.value(x, y, cat, m, null)) / (2 * h);
            assertThat(grad[j]).as("θ[%d]", j).isCloseTo(fd, within(1e-5 * Math.max(1, Math.abs(fd))));
        }
        // the fitted objective (negative log posterior) has the matching gradient as well
        double[] g2 = new double[theta.length];
        HyperparameterFit.objective(x, y, cat, theta, g2);
        for (int j = 0; j < theta.length; j++) {
            double h = 1e-5;
            double[] p = theta.clone(), m = theta.clone();
            p[j] += h;
            m[j] -= h;
            double[] tmp = new double[theta.length];
            double fd = (HyperparameterFit.objective(x, y, cat, p, tmp) - HyperparameterFit.objective(x, y, cat, m, tmp)) / (2 * h);
            assertThat(g2[j]).as("objective θ[%d]", j).isCloseTo(fd, within(1e-5 * Math.max(1, Math.abs(fd))));
        }
    }

    @Test
    void valueMatchesTheGaussianDensityForTwoPoints() {
        boolean[] cat = {false};
        double[][] x = {{0.2}, {0.5}};
        double[] y = {1.0, -0.5};
        double[] theta = {Math.log(0.4), Math.log(2.0), Math.log(0.1), 0.3};
        double k12 = 2.0 * Matern52.correlation(Math.pow(0.3 / 0.4, 2));
        double a = 2.1, det = a * a - k12 * k12;
        double r1 = 0.7, r2 = -0.8;
        double quad = (a * r1 * r1 - 2 * k12 * r1 * r2 + a * r2 * r2) / det;
        double expected = -0.5 * quad - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
        assertThat(MarginalLikelihood.value(x, y, cat, theta, null)).isCloseTo(expected, within(1e-12));
    }

    @Test
    void choleskyRetriesWithJitterOnASingularMatrix() {
        // duplicate points and no noise: K is exactly singular
        var k = new Matern52(new double[]{0.5}, 1.0, new boolean[1]);
        double[][] x = {{0.3}, {0.3}, {0.7}, {0.3}};
        int n = x.length;
        double[] m = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                m[i * n + j] = k.value(x[i], x[j]);
            }
        }
        Cholesky c = Cholesky.decompose(m, n);
        assertThat(c.jitter()).isPositive().isLessThan(1e-3);
        double[] l = c.lower();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                double s = 0;
                for (int q = 0; q < n; q++) {
                    s += l[i * n + q] * l[j * n + q];
                }
                double expected = m[i * n + j] + (i == j ? c.jitter() : 0.0);
                assertThat(s).isCloseTo(expected, within(1e-12));
            }
        }
        double[] sol = c.solve(new double[]{1, 1, 0.5, 1});
        for (double v : sol) {
            assertThat(v).isFinite();
        }
        // a GP on the same data works and the likelihood is finite
        GaussianProcess gp = GaussianProcess.create(x, new double[]{1, 1, 0, 1}, k, 0.0, 0.0);
        assertThat(gp.jitter()).isPositive();
        assertThat(gp.mean(new double[]{0.3})).isCloseTo(1.0, within(1e-3));
        double[] theta = {Math.log(0.5), 0.0, Math.log(Hyperparameters.MIN_NOISE) - 20, 0.0};
        assertThat(MarginalLikelihood.value(x, new double[]{1, 1, 0, 1}, new boolean[1], theta, new double[4])).isFinite();
    }

    @Test
    void aWellConditionedMatrixNeedsNoJitter() {
        double[] m = {4, 2, 2, 3};
        Cholesky c = Cholesky.decompose(m, 2);
        assertThat(c.jitter()).isZero();
        assertThat(c.lower()).containsExactly(2, 0, 1, Math.sqrt(2));
        assertThat(c.logDeterminant()).isCloseTo(Math.log(8), within(1e-14));
        double[] inv = c.inverse();
        assertThat(inv).containsExactly(new double[]{3 / 8.0, -2 / 8.0, -2 / 8.0, 4 / 8.0}, within(1e-15));
    }

    @Test
    void hyperparameterFitRecoversAShortLengthscaleOnARelevantDimension() {
        var rng = new SplittableRandom(3);
        int n = 40;
        double[][] x = new double[n][];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = new double[]{rng.nextDouble(), rng.nextDouble()};
            y[i] = Math.sin(8 * x[i][0]); // the second dimension is irrelevant
        }
        y = OutputWarp.NONE.apply(y);
        double[] theta = HyperparameterFit.fit(x, y, new boolean[2], null, 4, new SplittableRandom(1));
        assertThat(Math.exp(theta[0])).isLessThan(0.5);
        assertThat(Math.exp(theta[1])).isGreaterThan(3 * Math.exp(theta[0]));
        assertThat(Math.exp(theta[3])).isLessThan(0.01); // noiseless data: small noise
    }
}
