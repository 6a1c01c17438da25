package dev.orchard.engine.optimize.tpe;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A Parzen estimator as Optuna builds it ({@code optuna/samplers/_tpe/parzen_estimator.py}): a mixture with one kernel
 * per observation plus one prior kernel; each kernel is a product over the estimator's parameters of a truncated normal
 * (floats), a discretised truncated normal (ints and ordinal choices) or a categorical distribution (unordered
 * choices). With one parameter this is the univariate TPE's l(x) or g(x); with several, the multivariate TPE's joint
 * density.
 *
 * <p>Kernels are stored as plain {@code double} arrays per parameter and evaluated in tight loops over kernels; no
 * boxing in the hot paths.
 */
final class ParzenEstimator {

    /** Optuna's EPS: the smallest bandwidth when the magic clip is off. */
    static final double EPS = 1e-12;
    /** Optuna's SIGMA0_MAGNITUDE for multivariate bandwidths. */
    static final double SIGMA0_MAGNITUDE = 0.2;

    /** How kernels are shaped (Optuna's {@code _ParzenEstimatorParameters} without the weights function). */
    record Settings(double priorWeight, boolean considerMagicClip, boolean considerEndpoints, boolean multivariate) {
    }

    private final Dim[] dims;
    private final int kernels;
    private final double[] logWeights;
    private final double[] cumWeights;
    // numerical parameters, per dimension (null for categorical ones): kernel centres and bandwidths in kernel space
    private final double[][] mus;
    private final double[][] sigmas;
    /** Continuous: log sqrt(2 pi) + log sigma + log mass of the truncation interval; discrete: unused. */
    private final double[][] logNorms;
    private final double[][] invSigmas;
    // discrete parameters: the distinct (mu, sigma) pairs, and which pair each kernel uses
    private final int[][] pairOf;
    private final double[][] pairMu;
    private final double[][] pairSigma;
    private final double[][] pairLogMass;
    private final double[][] pairInvSigma;
    private final double maxLogWeight;
    // categorical parameters: every observation's row depends only on its category, so rows are stored once per
    // category (plus the prior's row, last): catRow[dim][kernel] indexes catLog[dim] / catCum[dim]
    private final int[][] catRow;
    private final double[][][] catCum;
    private final double[][][] catLog;

    /**
     * @param dims the parameters, none of them {@linkplain Dim#single() single-valued}
     * @param obs  {@code obs[d][i]}: observation i's internal value of dims[d]; all present (no NaN)
     * @param n    number of observations (columns may be longer)
     * @param weights the observations' raw weights (length ≥ n), or null for Optuna's {@link #defaultWeights}
     */
    ParzenEstimator(Dim[] dims, double[][] obs, int n, double[] weights, Settings s) {
        if (s.priorWeight() < 0 || !Double.isFinite(s.priorWeight())) {
            throw new IllegalArgumentException("prior_weight must be a finite number >= 0, got " + s.priorWeight());
        }
        this.dims = dims;
        int d = dims.length;
        this.kernels = n + 1;
        double[] w = new double[kernels];
        if (n == 0) {
            w[0] = 1.0;
        } else {
            double[] raw = weights == null ? defaultWeights(n) : weights;
            System.arraycopy(raw, 0, w, 0, n);
            w[n] = s.priorWeight();
        }
        double sum = 0;
        for (double v : w) {
            sum += v;
        }
        logWeights = new double[kernels];
        cumWeights = new double[kernels];
        double acc = 0;
        for (int k = 0; k < kernels; k++) {
            w[k] /= sum;
            logWeights[k] = Math.log(w[k]);
            acc += w[k];
            cumWeights[k] = acc;
        }
        cumWeights[kernels - 1] = 1.0;
        double mw = Double.NEGATIVE_INFINITY;
        for (double lw : logWeights) {
            mw = Math.max(mw, lw);
        }
        maxLogWeight = mw;

        mus = new double[d][];
        sigmas = new double[d][];
        logNorms = new double[d][];
        invSigmas = new double[d][];
        pairOf = new int[d][];
        pairMu = new double[d][];
        pairSigma = new double[d][];
        pairLogMass = new double[d][];
        pairInvSigma = new double[d][];
        catRow = new int[d][];
        catCum = new double[d][][];
        catLog = new double[d][][];
        for (int j = 0; j < d; j++) {
            Dim dim = dims[j];
            if (dim.categorical()) {
                int choices = dim.choices();
                // the distinct rows: one per category, then the prior's (no observations: the uniform prior alone)
                double[][] rows = n == 0 ? categoricalWeights(new int[0], choices, s.priorWeight())
                        : categoricalRows(choices, n + 1, s.priorWeight());
                int[] row = new int[kernels];
                for (int i = 0; i < n; i++) {
                    row[i] = (int) obs[j][i];
                }
                row[kernels - 1] = rows.length - 1;
                catRow[j] = row;
                catLog[j] = new double[rows.length][choices];
                catCum[j] = new double[rows.length][choices];
                for (int r = 0; r < rows.length; r++) {
                    double c = 0;
                    for (int m = 0; m < choices; m++) {
                        catLog[j][r][m] = Math.log(rows[r][m]);
                        c += rows[r][m];
                        catCum[j][r][m] = c;
                    }
                    catCum[j][r][choices - 1] = 1.0;
                }
                continue;
            }
            double lo = dim.adaptedLow();
            double hi = dim.adaptedHigh();
            double[] m = new double[kernels];
            for (int i = 0; i < n; i++) {
                m[i] = dim.toKernel(obs[j][i]);
            }
            double[] sg = new double[kernels];
            if (n > 0) {
                double[] observedSigmas = s.multivariate()
                        ? multivariateSigmas(n, d, lo, hi)
                        : univariateSigmas(Arrays.copyOf(m, n), lo, hi, s.considerEndpoints());
                clipSigmas(observedSigmas, n, lo, hi, s.considerMagicClip());
                System.arraycopy(observedSigmas, 0, sg, 0, n);
            }
            m[n] = 0.5 * (lo + hi); // the prior: centred, as wide as the range
            sg[n] = hi - lo;
            mus[j] = m;
            sigmas[j] = sg;
            invSigmas[j] = new double[kernels];
            for (int k = 0; k < kernels; k++) {
                invSigmas[j][k] = 1.0 / sg[k];
            }
            if (dim.discrete()) {
                indexPairs(j, lo, hi);
            } else {
                double[] ln = new double[kernels];
                for (int k = 0; k < kernels; k++) {
                    ln[k] = Gauss.LOG_SQRT_2PI + Math.log(sg[k])
                            + TruncatedNormal.logGaussMass((lo - m[k]) / sg[k], (hi - m[k]) / sg[k]);
                }
                logNorms[j] = ln;
            }
        }
    }

    /** Groups the kernels of discrete dimension j by (mu, sigma): the interval masses are computed once per pair. */
    private void indexPairs(int j, double lo, double hi) {
        double[] m = mus[j];
        double[] sg = sigmas[j];
        int[] order = argsortStable(m);
        // within equal mu, order by sigma (stable, small runs)
        int[] of = new int[kernels];
        double[] pm = new double[kernels];
        double[] ps = new double[kernels];
        int pairs = 0;
        int start = 0;
        while (start < kernels) {
            int end = start + 1;
            while (end < kernels && m[order[end]] == m[order[start]]) {
                end++;
            }
            // distinct sigmas within this run of equal mus
            int runFirstPair = pairs;
            for (int r = start; r < end; r++) {
                int k = order[r];
                int found = -1;
                for (int p = runFirstPair; p < pairs; p++) {
                    if (ps[p] == sg[k]) {
                        found = p;
                        break;
                    }
                }
                if (found < 0) {
                    pm[pairs] = m[k];
                    ps[pairs] = sg[k];
                    found = pairs++;
                }
                of[k] = found;
            }
            start = end;
        }
        pairOf[j] = of;
        pairMu[j] = Arrays.copyOf(pm, pairs);
        pairSigma[j] = Arrays.copyOf(ps, pairs);
        double[] lm = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            lm[p] = TruncatedNormal.logGaussMass((lo - pm[p]) / ps[p], (hi - pm[p]) / ps[p]);
        }
        pairLogMass[j] = lm;
        double[] inv = new double[pairs];
        for (int p = 0; p < pairs; p++) {
            inv[p] = 1.0 / ps[p];
        }
        pairInvSigma[j] = inv;
    }

    int kernels() {
        return kernels;
    }

    /** Mixture weights, normalised (the prior's last). */
    double[] weights() {
        double[] w = new double[kernels];
        for (int k = 0; k < kernels; k++) {
            w[k] = Math.exp(logWeights[k]);
        }
        return w;
    }

    /** Kernel centres of dimension j in kernel space (prior last); null for a categorical dimension. */
    double[] mus(int j) {
        return mus[j] == null ? null : mus[j].clone();
    }

    /** Kernel bandwidths of dimension j in kernel space (prior last); null for a categorical dimension. */
    double[] sigmas(int j) {
        return sigmas[j] == null ? null : sigmas[j].clone();
    }

    /**
     * {@code size} draws from the mixture, as internal values: {@code out[c][j]} is draw c of dims[j]. Each draw picks
     * a kernel by weight, then samples every dimension from that kernel.
     */
    double[][] sample(SplittableRandom rng, int size) {
        int d = dims.length;
        double[][] out = new double[size][d];
        for (int c = 0; c < size; c++) {
            int k = pick(cumWeights, rng.nextDouble());
            for (int j = 0; j < d; j++) {
                Dim dim = dims[j];
                double u = rng.nextDouble();
                if (dim.categorical()) {
                    out[c][j] = pick(catCum[j][catRow[j][k]], u);
                    continue;
                }
                double lo = dim.adaptedLow();
                double hi = dim.adaptedHigh();
                double v = TruncatedNormal.sample(u, mus[j][k], sigmas[j][k], lo, hi);
                if (dim.log()) {
                    v = Math.exp(v);
                }
                if (dim.discrete()) {
                    v = dim.low() + Math.rint((v - dim.low()) / Dim.STEP) * Dim.STEP;
                }
                out[c][j] = Math.min(dim.high(), Math.max(dim.low(), v));
            }
        }
        return out;
    }

    /** First index whose cumulative weight exceeds u. */
    private static int pick(double[] cum, double u) {
        int lo = 0;
        int hi = cum.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cum[mid] > u) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }

    /** log density (log mass for discrete and categorical parts) of each point {@code x[c]} (internal values). */
    double[] logPdf(double[][] x) {
        int size = x.length;
        int kk = kernels;
        double[] acc = new double[size * kk];
        for (int c = 0; c < size; c++) {
            System.arraycopy(logWeights, 0, acc, c * kk, kk);
        }
        for (int j = 0; j < dims.length; j++) {
            Dim dim = dims[j];
            if (dim.categorical()) {
                double[][] lp = catLog[j];
                int[] row = catRow[j];
                double[] byRow = new double[lp.length];
                for (int c = 0; c < size; c++) {
                    int v = (int) x[c][j];
                    for (int r = 0; r < lp.length; r++) {
                        byRow[r] = lp[r][v];
                    }
                    int base = c * kk;
                    for (int k = 0; k < kk; k++) {
                        acc[base + k] += byRow[row[k]];
                    }
                }
            } else if (dim.discrete()) {
                addDiscrete(j, dim, x, acc);
            } else {
                double lo = dim.adaptedLow();
                double hi = dim.adaptedHigh();
                double[] m = mus[j];
                double[] inv = invSigmas[j];
                double[] ln = logNorms[j];
                for (int c = 0; c < size; c++) {
                    double v = dim.toKernel(x[c][j]);
                    int base = c * kk;
                    if (!(v >= lo && v <= hi)) {
                        for (int k = 0; k < kk; k++) {
                            acc[base + k] = Double.NEGATIVE_INFINITY;
                        }
                        continue;
                    }
                    for (int k = 0; k < kk; k++) {
                        double z = (v - m[k]) * inv[k];
                        acc[base + k] -= 0.5 * z * z + ln[k];
                    }
                }
            }
        }
        double[] out = new double[size];
        for (int c = 0; c < size; c++) {
            int base = c * kk;
            double max = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < kk; k++) {
                max = Math.max(max, acc[base + k]);
            }
            if (max == Double.NEGATIVE_INFINITY) {
                out[c] = Double.NEGATIVE_INFINITY;
                continue;
            }
            // log-sum-exp; a term 50 nats below the largest adds under 2e-22 relative each, beyond double precision
            // even summed over thousands of kernels, so its exp (most of this loop's cost) is skipped
            double s = 0;
            for (int k = 0; k < kk; k++) {
                double t = acc[base + k] - max;
                if (t > -50) {
                    s += Math.exp(t);
                }
            }
            out[c] = max + Math.log(s);
        }
        return out;
    }

    /** Adds each kernel's log mass of the value's cell [x - step/2, x + step/2] for discrete dimension j. */
    private void addDiscrete(int j, Dim dim, double[][] x, double[] acc) {
        int size = x.length;
        int kk = kernels;
        double[] pm = pairMu[j];
        double[] ps = pairSigma[j];
        double[] plm = pairLogMass[j];
        int[] of = pairOf[j];
        double[] cell = new double[pm.length];
        double[] done = new double[size];
        int[] which = new int[size];
        int distinct = 0;
        for (int c = 0; c < size; c++) {
            double v = x[c][j];
            int seen = -1;
            for (int e = 0; e < distinct; e++) {
                if (done[e] == v) {
                    seen = e;
                    break;
                }
            }
            if (seen < 0) {
                done[distinct] = v;
                seen = distinct++;
            }
            which[c] = seen;
        }
        double[] inv = pairInvSigma[j];
        int priorPair = of[kk - 1];
        double logPriorWeight = logWeights[kk - 1];
        for (int e = 0; e < distinct; e++) {
            double v = done[e];
            double left = dim.toKernel(v - Dim.STEP / 2);
            double right = dim.toKernel(v + Dim.STEP / 2);
            if (!(v >= dim.low() && v <= dim.high())) {
                Arrays.fill(cell, Double.NEGATIVE_INFINITY);
            } else {
                // A kernel whose centre is d sigmas from the cell adds at most maxLogWeight - d^2/2 + 1.1 to the
                // log-sum (Phi(-d) <= exp(-d^2/2)/2, and its truncation mass is at least 0.34 since its centre lies in
                // the range and sigma <= range); the prior's own term is a lower bound of the sum. Kernels 50 nats
                // below it change the sum by less than e^-50 relative, beyond double precision: they are skipped.
                double priorTerm = logPriorWeight + TruncatedNormal.logGaussMass(
                        (left - pm[priorPair]) * inv[priorPair], (right - pm[priorPair]) * inv[priorPair]) - plm[priorPair];
                double limit = 2 * (maxLogWeight + 1.1 - priorTerm + 50);
                if (!(limit < Double.POSITIVE_INFINITY)) {
                    limit = Double.POSITIVE_INFINITY;
                }
                for (int p = 0; p < pm.length; p++) {
                    double za = (left - pm[p]) * inv[p];
                    double zb = (right - pm[p]) * inv[p];
                    double dist = zb < 0 ? -zb : (za > 0 ? za : 0);
                    cell[p] = dist * dist > limit ? Double.NEGATIVE_INFINITY
                            : TruncatedNormal.logGaussMass(za, zb) - plm[p];
                }
            }
            for (int c = 0; c < size; c++) {
                if (which[c] != e) {
                    continue;
                }
                int base = c * kk;
                for (int k = 0; k < kk; k++) {
                    acc[base + k] += cell[of[k]];
                }
            }
        }
    }

    // ---- Optuna's rules, as static functions the tests check by hand ----

    /** Optuna's {@code default_weights(n)}: all ones below 25; above, a linear ramp from 1/n for the oldest n - 25. */
    static double[] defaultWeights(int n) {
        double[] w = new double[n];
        if (n < 25) {
            Arrays.fill(w, 1.0);
            return w;
        }
        int ramp = n - 25;
        // numpy.linspace(1/n, 1, ramp): start + i * step, with the last point exactly 1
        double start = 1.0 / n;
        if (ramp == 1) {
            w[0] = start;
        } else if (ramp > 1) {
            double step = (1.0 - start) / (ramp - 1);
            for (int i = 0; i < ramp; i++) {
                w[i] = start + i * step;
            }
            w[ramp - 1] = 1.0;
        }
        Arrays.fill(w, ramp, n, 1.0);
        return w;
    }

    /**
     * Optuna's univariate bandwidths ({@code consider_endpoints} as given): the observations' centres and the prior's
     * centre (mid-range) sorted together with the range's ends as sentinels; each centre's bandwidth is the larger of
     * the distances to its two neighbours. Without {@code considerEndpoints} the first and last centres take the
     * distance to their one inner neighbour instead. Returns the observations' bandwidths, before the clip. Ties are
     * ordered stably (observation order, the prior last), where numpy's default argsort leaves them unspecified.
     */
    static double[] univariateSigmas(double[] mus, double low, double high, boolean considerEndpoints) {
        int n = mus.length;
        double[] withPrior = Arrays.copyOf(mus, n + 1);
        withPrior[n] = 0.5 * (low + high);
        int[] order = argsortStable(withPrior);
        int m = n + 1;
        double[] e = new double[m + 2]; // sorted centres with the ends as sentinels
        e[0] = low;
        for (int i = 0; i < m; i++) {
            e[i + 1] = withPrior[order[i]];
        }
        e[m + 1] = high;
        double[] sortedSigmas = new double[m];
        for (int i = 0; i < m; i++) {
            sortedSigmas[i] = Math.max(e[i + 1] - e[i], e[i + 2] - e[i + 1]);
        }
        if (!considerEndpoints && e.length >= 4) {
            sortedSigmas[0] = e[2] - e[1];
            sortedSigmas[m - 1] = e[m] - e[m - 1];
        }
        double[] out = new double[n];
        for (int i = 0; i < m; i++) {
            if (order[i] < n) {
                out[order[i]] = sortedSigmas[i];
            }
        }
        return out;
    }

    /** Optuna's multivariate bandwidth: {@code 0.2 * max(n, 1)^(-1/(d + 4)) * (high - low)} for every observation. */
    static double[] multivariateSigmas(int n, int d, double low, double high) {
        double[] out = new double[n];
        Arrays.fill(out, SIGMA0_MAGNITUDE * Math.pow(Math.max(n, 1), -1.0 / (d + 4)) * (high - low));
        return out;
    }

    /**
     * Optuna's clip: bandwidths to [minsigma, high - low], where the magic clip sets
     * {@code minsigma = (high - low) / min(100, 1 + n_kernels)} with n_kernels = n + 1 (the prior counts), else 1e-12.
     */
    static void clipSigmas(double[] sigmas, int n, double low, double high, boolean magicClip) {
        double max = high - low;
        double min = magicClip ? (high - low) / Math.min(100.0, 1.0 + (n + 1)) : EPS;
        for (int i = 0; i < sigmas.length; i++) {
            sigmas[i] = Math.min(Math.max(sigmas[i], min), max); // numpy.clip: min first, then max
        }
    }

    /**
     * Optuna's categorical kernels: one row per observation plus the prior's; every cell starts at
     * {@code prior_weight / n_kernels}, the observed category gets +1, rows are normalised. With no observations, the
     * single prior row is uniform.
     */
    static double[][] categoricalWeights(int[] observed, int choices, double priorWeight) {
        int n = observed.length;
        if (n == 0) {
            double[][] w = new double[1][choices];
            Arrays.fill(w[0], 1.0 / choices);
            return w;
        }
        double[][] rows = categoricalRows(choices, n + 1, priorWeight);
        double[][] w = new double[n + 1][];
        for (int k = 0; k < n; k++) {
            w[k] = rows[observed[k]].clone();
        }
        w[n] = rows[choices].clone();
        return w;
    }

    /**
     * The distinct rows of {@link #categoricalWeights} with {@code kernels} kernels: row c is an observation of
     * category c, the last row the prior's.
     */
    private static double[][] categoricalRows(int choices, int kernels, double priorWeight) {
        double[][] w = new double[choices + 1][choices];
        for (int r = 0; r <= choices; r++) {
            Arrays.fill(w[r], priorWeight / kernels);
            if (r < choices) {
                w[r][r] += 1;
            }
            double sum = 0;
            for (double v : w[r]) {
                sum += v;
            }
            double div = sum == 0 ? 1 : sum;
            for (int c = 0; c < choices; c++) {
                w[r][c] /= div;
            }
        }
        return w;
    }

    /** Indices that sort {@code v} ascending; equal values keep their order (merge sort on primitives). */
    static int[] argsortStable(double[] v) {
        int n = v.length;
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = i;
        }
        int[] tmp = new int[n];
        for (int width = 1; width < n; width *= 2) {
            for (int lo = 0; lo < n - width; lo += 2 * width) {
                int mid = lo + width;
                int hi = Math.min(lo + 2 * width, n);
                if (v[a[mid - 1]] <= v[a[mid]]) {
                    continue; // already in order
                }
                int i = lo;
                int j = mid;
                int k = lo;
                while (i < mid && j < hi) {
                    tmp[k++] = v[a[j]] < v[a[i]] ? a[j++] : a[i++];
                }
                while (i < mid) {
                    tmp[k++] = a[i++];
                }
                while (j < hi) {
                    tmp[k++] = a[j++];
                }
                System.arraycopy(tmp, lo, a, lo, hi - lo);
            }
        }
        return a;
    }
}
