package dev.orchard.engine.optimize.gp;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.TriangularSolver_DDRM;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.CholeskyDecomposition_F64;

/**
 * The Cholesky factor {@code L} (lower, row-major) of a symmetric positive (semi-)definite matrix, computed by EJML.
 * When the factorisation fails, or a pivot is so small against the largest diagonal entry that the factor is
 * numerically meaningless (duplicate points with no noise), it is retried with a jitter added to the diagonal that
 * grows tenfold each time, from {@code 1e-10} to {@code 1e-1} of the mean diagonal.
 */
final class Cholesky {
    /** A pivot² below this fraction of the largest diagonal entry counts as a failure. */
    static final double MIN_RELATIVE_PIVOT = 1e-12;
    private static final double FIRST_JITTER = 1e-10;
    private static final double LAST_JITTER = 1e-1;

    private final int n;
    private final double[] l;
    private final double jitter;

    private Cholesky(int n, double[] l, double jitter) {
        this.n = n;
        this.l = l;
        this.jitter = jitter;
    }

    /** Factors the {@code n×n} row-major matrix {@code a} (not modified); throws {@link NumericalFailure} if impossible. */
    static Cholesky decompose(double[] a, int n) {
        if (a.length != n * n) {
            throw new IllegalArgumentException("matrix has " + a.length + " entries, expected " + n * n);
        }
        if (n == 0) {
            return new Cholesky(0, new double[0], 0.0);
        }
        double maxDiag = 0, meanDiag = 0;
        for (int i = 0; i < n; i++) {
            double v = a[i * n + i];
            if (!Double.isFinite(v)) {
                throw new NumericalFailure("matrix has a non-finite diagonal entry");
            }
            maxDiag = Math.max(maxDiag, v);
            meanDiag += v / n;
        }
        if (!(meanDiag > 0)) {
            meanDiag = 1.0;
            maxDiag = Math.max(maxDiag, 1.0);
        }
        CholeskyDecomposition_F64<DMatrixRMaj> chol = DecompositionFactory_DDRM.chol(n, true);
        double jitter = 0.0;
        while (true) {
            DMatrixRMaj m = new DMatrixRMaj(n, n);
            System.arraycopy(a, 0, m.data, 0, a.length);
            for (int i = 0; i < n; i++) {
                m.data[i * n + i] += jitter;
            }
            if (chol.decompose(m)) {
                double[] t = chol.getT(null).data;
                if (pivotsOk(t, n, maxDiag + jitter)) {
                    return new Cholesky(n, t, jitter);
                }
            }
            jitter = jitter == 0.0 ? FIRST_JITTER * meanDiag : jitter * 10.0;
            if (jitter > LAST_JITTER * meanDiag * 1.000001) {
                throw new NumericalFailure("Cholesky factorisation failed even with jitter " + LAST_JITTER + " × mean diagonal");
            }
        }
    }

    private static boolean pivotsOk(double[] t, int n, double maxDiag) {
        double floor = MIN_RELATIVE_PIVOT * maxDiag;
        for (int i = 0; i < n; i++) {
            double p = t[i * n + i];
            if (!(p * p > floor) || !Double.isFinite(p)) {
                return false;
            }
        }
        return true;
    }

    int size() {
        return n;
    }

    /** The jitter that was added to the diagonal (0 when none was needed). */
    double jitter() {
        return jitter;
    }

    /** The factor, row-major, {@code n×n}, zero above the diagonal (shared: do not modify). */
    double[] lower() {
        return l;
    }

    /** {@code log det A = 2 Σ log L_ii}. */
    double logDeterminant() {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += Math.log(l[i * n + i]);
        }
        return 2 * s;
    }

    /** Overwrites {@code b} with {@code L⁻¹ b}. */
    void solveLowerInPlace(double[] b) {
        TriangularSolver_DDRM.solveL(l, b, n);
    }

    /** Overwrites {@code b} with {@code L⁻ᵀ b}. */
    void solveUpperInPlace(double[] b) {
        TriangularSolver_DDRM.solveTranL(l, b, n);
    }

    /** {@code A⁻¹ b} (b is not modified). */
    double[] solve(double[] b) {
        double[] x = b.clone();
        solveLowerInPlace(x);
        solveUpperInPlace(x);
        return x;
    }

    /** Overwrites the row-major {@code n×m} matrix {@code b} with {@code L⁻¹ b}. */
    void solveLowerInPlace(double[] b, int m) {
        TriangularSolver_DDRM.solveL(l, b, n, m);
    }

    /** {@code A⁻¹} (including the jitter), row-major. */
    double[] inverse() {
        DMatrixRMaj inv = new DMatrixRMaj(n, n);
        TriangularSolver_DDRM.invertLower(l, inv.data, n);
        DMatrixRMaj out = new DMatrixRMaj(n, n);
        CommonOps_DDRM.multInner(inv, out); // (L⁻¹)ᵀ L⁻¹, symmetric: half the work
        return out.data;
    }

    /**
     * The factor of the matrix grown by one row and column: {@code cross} holds its new off-diagonal entries and
     * {@code self} its new diagonal entry (the same jitter is added). A pivot that would be too small is raised to
     * {@link #MIN_RELATIVE_PIVOT} of {@code self}, which only adds a little to that one diagonal entry.
     */
    Cholesky extend(double[] cross, double self) {
        double[] v = cross.clone();
        solveLowerInPlace(v);
        double p2 = self + jitter;
        for (double x : v) {
            p2 -= x * x;
        }
        double floor = MIN_RELATIVE_PIVOT * Math.max(Math.abs(self + jitter), 1e-300) * 10.0;
        if (!(p2 > floor)) {
            p2 = floor;
        }
        int m = n + 1;
        double[] t = new double[m * m];
        for (int i = 0; i < n; i++) {
            System.arraycopy(l, i * n, t, i * m, i + 1);
        }
        System.arraycopy(v, 0, t, n * m, n);
        t[n * m + n] = Math.sqrt(p2);
        return new Cholesky(m, t, jitter);
    }

    /** Thrown when the covariance cannot be factored even with jitter; the optimizer then falls back to sampling. */
    static final class NumericalFailure extends ArithmeticException {
        NumericalFailure(String message) {
            super(message);
        }
    }
}
