package dev.orchard.engine.optimize.gp;

/**
 * The Matérn-5/2 kernel with automatic relevance determination: {@code k(a, b) = s² m(r)} with
 * {@code m(r) = (1 + √5 r + 5r²/3) exp(−√5 r)} and {@code r² = Σ_k q_k}, where {@code q_k = (a_k − b_k)² / ℓ_k²} for a
 * numeric dimension and {@code q_k = [a_k ≠ b_k] / ℓ_k²} for an unordered (categorical) one.
 *
 * <p>The categorical term is the overlap (Hamming) distance. It equals half the squared Euclidean distance of one-hot
 * vectors scaled by {@code √2/ℓ_k}, so the kernel is still a Matérn kernel of a Euclidean embedding and stays positive
 * definite.
 */
final class Matern52 {
    static final double SQRT5 = Math.sqrt(5.0);

    private final double[] invL2;
    private final boolean[] categorical;
    private final double signal;

    /**
     * @param lengthscales one per dimension, positive
     * @param signal       the signal variance s²
     * @param categorical  which dimensions hold category indices (compared for equality only)
     */
    Matern52(double[] lengthscales, double signal, boolean[] categorical) {
        if (lengthscales.length != categorical.length) {
            throw new IllegalArgumentException("need one length-scale per dimension");
        }
        this.invL2 = new double[lengthscales.length];
        for (int k = 0; k < invL2.length; k++) {
            invL2[k] = 1.0 / (lengthscales[k] * lengthscales[k]);
        }
        this.signal = signal;
        this.categorical = categorical.clone();
    }

    int dimension() {
        return invL2.length;
    }

    double signal() {
        return signal;
    }

    boolean categorical(int k) {
        return categorical[k];
    }

    /** {@code 1/ℓ_k²}. */
    double invLengthscale2(int k) {
        return invL2[k];
    }

    /** The scaled squared distance {@code r²}. */
    double r2(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < invL2.length; k++) {
            s += q(a, b, k);
        }
        return s;
    }

    /** The contribution of dimension {@code k} to {@code r²}. */
    double q(double[] a, double[] b, int k) {
        if (categorical[k]) {
            return a[k] == b[k] ? 0.0 : invL2[k];
        }
        double t = a[k] - b[k];
        return t * t * invL2[k];
    }

    double value(double[] a, double[] b) {
        return signal * correlation(r2(a, b));
    }

    /** {@code m(r)} as a function of {@code r²}. */
    static double correlation(double r2) {
        double s = SQRT5 * Math.sqrt(r2);
        return (1.0 + s + s * s / 3.0) * Math.exp(-s);
    }

    /**
     * {@code g(r) = −m'(r)/r = (5/3)(1 + √5 r) exp(−√5 r)}, finite at r = 0. Then {@code ∂m/∂log ℓ_k = g q_k} and, for a
     * numeric dimension, {@code ∂m/∂a_k = −g (a_k − b_k)/ℓ_k²}.
     */
    static double slope(double r2) {
        double s = SQRT5 * Math.sqrt(r2);
        return (5.0 / 3.0) * (1.0 + s) * Math.exp(-s);
    }

    /**
     * The gradient of {@code k(a, b)} with respect to {@code a} (zero in categorical dimensions, which are not
     * differentiated), written into {@code out}; returns {@code k(a, b)}.
     */
    double valueAndGradient(double[] a, double[] b, double[] out) {
        double r2 = r2(a, b);
        double g = signal * slope(r2);
        for (int k = 0; k < invL2.length; k++) {
            out[k] = categorical[k] ? 0.0 : -g * (a[k] - b[k]) * invL2[k];
        }
        return signal * correlation(r2);
    }
}
