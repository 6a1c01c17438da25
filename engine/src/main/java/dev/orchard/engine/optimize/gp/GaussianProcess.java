package dev.orchard.engine.optimize.gp;

/**
 * The posterior of a GP with fixed hyperparameters on points of the model space ({@link Encoding}): a Matérn-5/2 ARD
 * kernel, constant mean {@code c} and noise variance {@code σ²}. Immutable; {@link #condition} returns the posterior
 * with one more observation (a Kriging-believer fantasy) by growing the Cholesky factor in O(n²).
 * Predictions are of the latent function (without noise).
 */
final class GaussianProcess {
    private final Matern52 kernel;
    private final double noise;
    private final double mean;
    private final double[][] x;
    private final double[] y;
    private final Cholesky chol;
    private final double[] alpha;

    private GaussianProcess(Matern52 kernel, double noise, double mean, double[][] x, double[] y, Cholesky chol) {
        this.kernel = kernel;
        this.noise = noise;
        this.mean = mean;
        this.x = x;
        this.y = y;
        this.chol = chol;
        double[] r = new double[y.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = y[i] - mean;
        }
        this.alpha = chol.solve(r);
    }

    /** The posterior given data {@code (x, y)} and hyperparameters {@code θ} ({@link Hyperparameters}). */
    static GaussianProcess create(double[][] x, double[] y, boolean[] categorical, double[] theta) {
        int d = categorical.length;
        return create(x, y, new Matern52(Hyperparameters.lengthscales(theta, d), Hyperparameters.signal(theta, d), categorical),
                Hyperparameters.noise(theta, d), Hyperparameters.mean(theta, d));
    }

    static GaussianProcess create(double[][] x, double[] y, Matern52 kernel, double noise, double mean) {
        int n = y.length;
        double[] k = new double[n * n];
        for (int i = 0; i < n; i++) {
            k[i * n + i] = kernel.signal() + noise;
            for (int j = 0; j < i; j++) {
                double v = kernel.value(x[i], x[j]);
                k[i * n + j] = v;
                k[j * n + i] = v;
            }
        }
        return new GaussianProcess(kernel, noise, mean, x.clone(), y.clone(), Cholesky.decompose(k, n));
    }

    int size() {
        return y.length;
    }

    Matern52 kernel() {
        return kernel;
    }

    double jitter() {
        return chol.jitter();
    }

    /** The posterior with the observation {@code (point, value)} added. */
    GaussianProcess condition(double[] point, double value) {
        int n = y.length;
        double[] cross = new double[n];
        for (int i = 0; i < n; i++) {
            cross[i] = kernel.value(point, x[i]);
        }
        double[][] nx = java.util.Arrays.copyOf(x, n + 1);
        nx[n] = point.clone();
        double[] ny = java.util.Arrays.copyOf(y, n + 1);
        ny[n] = value;
        return new GaussianProcess(kernel, noise, mean, nx, ny, chol.extend(cross, kernel.signal() + noise));
    }

    /** Posterior mean at {@code p}. */
    double mean(double[] p) {
        double m = mean;
        for (int i = 0; i < y.length; i++) {
            m += kernel.value(p, x[i]) * alpha[i];
        }
        return m;
    }

    /**
     * Posterior means and variances of many points at once ({@code L⁻¹ K*} solved as one matrix), written into
     * {@code means} and {@code variances}. Variances are floored at a tiny positive value.
     */
    void predict(double[][] points, double[] means, double[] variances) {
        int n = y.length, m = points.length;
        double[] b = new double[n * m];
        for (int j = 0; j < m; j++) {
            double mu = mean;
            for (int i = 0; i < n; i++) {
                double v = kernel.value(points[j], x[i]);
                b[i * m + j] = v;
                mu += v * alpha[i];
            }
            means[j] = mu;
        }
        if (n > 0) {
            chol.solveLowerInPlace(b, m);
        }
        double[] reduce = new double[m];
        for (int i = 0; i < n; i++) {
            int row = i * m;
            for (int j = 0; j < m; j++) {
                double v = b[row + j];
                reduce[j] += v * v;
            }
        }
        for (int j = 0; j < m; j++) {
            variances[j] = floor(kernel.signal() - reduce[j]);
        }
    }

    /**
     * Mean and variance at {@code p} with their gradients (zero in categorical dimensions):
     * {@code ∇μ = (∂k₊/∂p)ᵀ α}, {@code ∇v = −2 (∂k₊/∂p)ᵀ K⁻¹ k₊}. Returns {@code [μ, v]}.
     */
    double[] predict(double[] p, double[] gradMean, double[] gradVariance) {
        int n = y.length, d = p.length;
        double[] ks = new double[n];
        double[][] dk = new double[n][d];
        double mu = mean;
        for (int i = 0; i < n; i++) {
            ks[i] = kernel.valueAndGradient(p, x[i], dk[i]);
            mu += ks[i] * alpha[i];
        }
        double[] w = ks.clone();
        chol.solveLowerInPlace(w);
        double reduce = 0;
        for (double v : w) {
            reduce += v * v;
        }
        chol.solveUpperInPlace(w);
        java.util.Arrays.fill(gradMean, 0.0);
        java.util.Arrays.fill(gradVariance, 0.0);
        for (int i = 0; i < n; i++) {
            double[] row = dk[i];
            for (int k = 0; k < d; k++) {
                gradMean[k] += row[k] * alpha[i];
                gradVariance[k] -= 2.0 * row[k] * w[i];
            }
        }
        double var = kernel.signal() - reduce;
        if (var < minVariance()) {
            java.util.Arrays.fill(gradVariance, 0.0);
        }
        return new double[]{mu, floor(var)};
    }

    private double minVariance() {
        return 1e-12 * kernel.signal();
    }

    private double floor(double v) {
        return Math.max(v, minVariance());
    }
}
