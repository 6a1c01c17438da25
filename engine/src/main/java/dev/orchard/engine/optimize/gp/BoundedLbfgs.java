package dev.orchard.engine.optimize.gp;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small projected L-BFGS for box constraints (Hipparchus 4 has no L-BFGS; its conjugate-gradient optimizer lives in
 * the separate hipparchus-optim module and is unbounded). Each iteration: the limited-memory two-loop direction on the
 * free variables (those not held at a bound by the gradient), a backtracking Armijo search along the projected path
 * {@code P(x + α d)}, and a memory update when the curvature condition holds. Deterministic.
 */
final class BoundedLbfgs {

    /** A differentiable function: returns f(x) and writes ∇f(x) into {@code grad}. Non-finite values count as +∞. */
    @FunctionalInterface
    interface Function {
        double value(double[] x, double[] grad);
    }

    record Result(double[] x, double value, int evaluations) {
    }

    private static final int MEMORY = 8;
    private static final double ARMIJO = 1e-4;

    private BoundedLbfgs() {
    }

    static Result minimize(Function f, double[] start, double[] lo, double[] hi, int maxIterations, double gradientTolerance) {
        int n = start.length;
        double[] x = project(start, lo, hi);
        double[] g = new double[n];
        double fx = safe(f.value(x, g));
        int evaluations = 1;
        if (!Double.isFinite(fx) || !allFinite(g)) {
            return new Result(x, fx, evaluations);
        }
        Deque<double[][]> memory = new ArrayDeque<>();
        boolean[] free = new boolean[n];
        double[] d = new double[n];
        double[] xn = new double[n];
        double[] gn = new double[n];
        int stalls = 0;
        for (int it = 0; it < maxIterations; it++) {
            double pgMax = 0;
            for (int i = 0; i < n; i++) {
                boolean pinned = hi[i] <= lo[i] || (x[i] <= lo[i] && g[i] > 0) || (x[i] >= hi[i] && g[i] < 0);
                free[i] = !pinned;
                if (!pinned) {
                    pgMax = Math.max(pgMax, Math.abs(g[i]));
                }
            }
            if (pgMax <= gradientTolerance) {
                break;
            }
            direction(g, free, memory, d);
            double slope = 0;
            for (int i = 0; i < n; i++) {
                slope += g[i] * d[i];
            }
            if (!(slope < 0)) {
                memory.clear();
                direction(g, free, memory, d);
                slope = 0;
                for (int i = 0; i < n; i++) {
                    slope += g[i] * d[i];
                }
                if (!(slope < 0)) {
                    break;
                }
            }
            double alpha = memory.isEmpty() ? Math.min(1.0, 1.0 / pgMax) : 1.0;
            double fn = Double.POSITIVE_INFINITY;
            boolean accepted = false;
            for (int ls = 0; ls < 30; ls++) {
                boolean moved = false;
                double decrease = 0;
                for (int i = 0; i < n; i++) {
                    double v = Math.min(hi[i], Math.max(lo[i], x[i] + alpha * d[i]));
                    xn[i] = v;
                    moved |= v != x[i];
                    decrease += g[i] * (v - x[i]);
                }
                if (!moved) {
                    break;
                }
                fn = safe(f.value(xn, gn));
                evaluations++;
                if (Double.isFinite(fn) && allFinite(gn) && fn <= fx + ARMIJO * decrease) {
                    accepted = true;
                    break;
                }
                alpha *= 0.5;
            }
            if (!accepted) {
                break;
            }
            double[] s = new double[n];
            double[] yv = new double[n];
            double sy = 0, ss = 0, yy = 0;
            for (int i = 0; i < n; i++) {
                s[i] = xn[i] - x[i];
                yv[i] = gn[i] - g[i];
                sy += s[i] * yv[i];
                ss += s[i] * s[i];
                yy += yv[i] * yv[i];
            }
            if (sy > 1e-10 * Math.sqrt(ss * yy)) {
                if (memory.size() == MEMORY) {
                    memory.removeFirst();
                }
                memory.addLast(new double[][]{s, yv});
            }
            double improvement = fx - fn;
            System.arraycopy(xn, 0, x, 0, n);
            System.arraycopy(gn, 0, g, 0, n);
            fx = fn;
            if (improvement <= 1e-10 * Math.max(1.0, Math.abs(fx))) {
                if (++stalls >= 3) {
                    break;
                }
            } else {
                stalls = 0;
            }
        }
        return new Result(x, fx, evaluations);
    }

    /** {@code d = −H g} on the free variables (zero elsewhere), by the two-loop recursion. */
    private static void direction(double[] g, boolean[] free, Deque<double[][]> memory, double[] d) {
        int n = g.length;
        for (int i = 0; i < n; i++) {
            d[i] = free[i] ? -g[i] : 0.0;
        }
        if (memory.isEmpty()) {
            return;
        }
        int m = memory.size();
        double[] rho = new double[m];
        double[] a = new double[m];
        double[][][] pairs = memory.toArray(new double[0][][]);
        for (int k = m - 1; k >= 0; k--) {
            double[] s = pairs[k][0], y = pairs[k][1];
            double sy = dot(s, y, free);
            rho[k] = sy > 0 ? 1.0 / sy : 0.0;
            a[k] = rho[k] * dot(s, d, free);
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    d[i] -= a[k] * y[i];
                }
            }
        }
        double[] sLast = pairs[m - 1][0], yLast = pairs[m - 1][1];
        double yy = dot(yLast, yLast, free);
        double gamma = yy > 0 ? dot(sLast, yLast, free) / yy : 1.0;
        if (!(gamma > 0) || !Double.isFinite(gamma)) {
            gamma = 1.0;
        }
        for (int i = 0; i < n; i++) {
            d[i] *= gamma;
        }
        for (int k = 0; k < m; k++) {
            double[] s = pairs[k][0], y = pairs[k][1];
            double b = rho[k] * dot(y, d, free);
            for (int i = 0; i < n; i++) {
                if (free[i]) {
                    d[i] += (a[k] - b) * s[i];
                }
            }
        }
    }

    private static double dot(double[] a, double[] b, boolean[] free) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            if (free[i]) {
                s += a[i] * b[i];
            }
        }
        return s;
    }

    private static double[] project(double[] x, double[] lo, double[] hi) {
        double[] p = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.min(hi[i], Math.max(lo[i], x[i]));
        }
        return p;
    }

    private static double safe(double v) {
        return Double.isNaN(v) ? Double.POSITIVE_INFINITY : v;
    }

    private static boolean allFinite(double[] v) {
        for (double x : v) {
            if (!Double.isFinite(x)) {
                return false;
            }
        }
        return true;
    }
}
