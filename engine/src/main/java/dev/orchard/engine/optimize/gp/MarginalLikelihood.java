package dev.orchard.engine.optimize.gp;

/**
 * The log marginal likelihood of a GP with a Matérn-5/2 ARD kernel, constant mean and Gaussian noise, and its analytic
 * gradient in {@code θ = [log ℓ, log s², log σ², c]} (see {@link Hyperparameters}):
 * <pre>
 *   log p(y | θ) = −½ (y − c)ᵀ K⁻¹ (y − c) − ½ log det K − (n/2) log 2π,   K = s² M + σ² I
 *   ∂/∂θ_j = ½ tr((α αᵀ − K⁻¹) ∂K/∂θ_j),   α = K⁻¹ (y − c);   ∂/∂c = Σ α_i
 * </pre>
 * with {@code ∂K/∂log ℓ_k = s² g(r) q_k} ({@link Matern52#slope}), {@code ∂K/∂log s² = s² M} and
 * {@code ∂K/∂log σ² = σ² I}. Cost O(n³ + n² d).
 */
final class MarginalLikelihood {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private MarginalLikelihood() {
    }

    /**
     * The log marginal likelihood at {@code theta}; when {@code grad} is not null its gradient is written there.
     * Throws {@link Cholesky.NumericalFailure} when the covariance cannot be factored.
     */
    static double value(double[][] x, double[] y, boolean[] categorical, double[] theta, double[] grad) {
        int n = y.length;
        int d = categorical.length;
        Matern52 kernel = new Matern52(Hyperparameters.lengthscales(theta, d), Hyperparameters.signal(theta, d), categorical);
        double sf2 = kernel.signal();
        double sn2 = Hyperparameters.noise(theta, d);
        double c = Hyperparameters.mean(theta, d);

        double[] corr = new double[n * n];
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            corr[i * n + i] = 1.0;
            k[i * n + i] = sf2 + sn2;
            for (int j = 0; j < i; j++) {
                double m = Matern52.correlation(kernel.r2(x[i], x[j]));
                corr[i * n + j] = m;
                corr[j * n + i] = m;
                k[i * n + j] = sf2 * m;
                k[j * n + i] = sf2 * m;
            }
        }
        Cholesky chol = Cholesky.decompose(k, n);
        double[] r = new double[n];
        for (int i = 0; i < n; i++) {
            r[i] = y[i] - c;
        }
        double[] alpha = chol.solve(r);
        double fit = 0;
        for (int i = 0; i < n; i++) {
            fit += r[i] * alpha[i];
        }
        double lml = -0.5 * fit - 0.5 * chol.logDeterminant() - 0.5 * n * LOG_2PI;
        if (grad == null) {
            return lml;
        }
        java.util.Arrays.fill(grad, 0.0);
        double[] inv = chol.inverse();
        double gSignal = 0, gNoise = 0, gMean = 0;
        for (int i = 0; i < n; i++) {
            gMean += alpha[i];
            double wii = alpha[i] * alpha[i] - inv[i * n + i];
            gSignal += 0.5 * wii * sf2;
            gNoise += 0.5 * wii * sn2;
            for (int j = 0; j < i; j++) {
                double w = alpha[i] * alpha[j] - inv[i * n + j];
                // pairs (i, j) and (j, i): 2 × ½
                gSignal += w * sf2 * corr[i * n + j];
                double r2 = kernel.r2(x[i], x[j]);
                double factor = w * sf2 * Matern52.slope(r2);
                if (factor != 0.0) {
                    for (int q = 0; q < d; q++) {
                        grad[q] += factor * kernel.q(x[i], x[j], q);
                    }
                }
            }
        }
        grad[Hyperparameters.signalIndex(d)] = gSignal;
        grad[Hyperparameters.noiseIndex(d)] = gNoise;
        grad[Hyperparameters.meanIndex(d)] = gMean;
        return lml;
    }
}
