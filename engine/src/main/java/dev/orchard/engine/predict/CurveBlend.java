package dev.orchard.engine.predict;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Stacking for a partly observed curve: the forecast is a convex combination of the model's mean, the power law
 * {@code a − b·t^(−c)} fit to the observed points, and the last observed value, with weights that depend on how much of
 * the grid has been observed ({@code position} = (last observed index + 1) / grid size) and how far ahead the point is
 * ({@code horizon} = (index − last observed index) / grid size). Weights and the band's scale are fit on out-of-fold
 * predictions of the training data only (each ensemble member's predictions for the configurations it was not trained
 * on), at nodes in position and horizon; between nodes they are interpolated linearly (hat functions), so every
 * forecast's weights are non-negative and sum to 1. The band is the ensemble's spread times a scale per position node
 * that puts 80 % of the out-of-fold points inside it.
 *
 * @param components what is combined, in the order of the weights' last index ({@link #COMPONENTS})
 * @param positions  position nodes (increasing)
 * @param horizons   horizon nodes (increasing)
 * @param weights    {@code [position node][horizon node][component]}
 * @param bandScale  per position node: the factor on the ensemble's root mean variance
 * @param range      the power law's clamp: the lowest and highest normalised training value
 * @param samples    out-of-fold forecasts the fit used (prefixes of held-out training runs)
 */
public record CurveBlend(@JsonProperty("components") List<String> components, @JsonProperty("positions") double[] positions,
                         @JsonProperty("horizons") double[] horizons, @JsonProperty("weights") double[][][] weights,
                         @JsonProperty("band_scale") double[] bandScale, @JsonProperty("range") double[] range,
                         @JsonProperty("samples") int samples) {

    public static final List<String> COMPONENTS = List.of("model", "power-law", "last-value");
    /** Where weights are fit: not the benchmark's fractions, an even spread over a run's course. */
    static final double[] POSITIONS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};
    static final double[] HORIZONS = {0.0, 0.125, 0.25, 0.5, 1.0};
    /** The prefixes (fractions of a held-out run's points) shown to make the out-of-fold forecasts. */
    static final double[] FRACTIONS = {0.05, 0.15, 0.25, 0.35, 0.45, 0.55, 0.65, 0.75, 0.85, 0.95};

    public CurveBlend {
        if (!COMPONENTS.equals(components)) {
            throw new CurveDataException("field 'blend.components' is " + components + ", this Orchard combines " + COMPONENTS);
        }
        if (positions == null || horizons == null || weights == null || bandScale == null || range == null || range.length != 2
                || weights.length != positions.length || bandScale.length != positions.length
                || Arrays.stream(weights).anyMatch(w -> w.length != horizons.length
                || Arrays.stream(w).anyMatch(c -> c.length != COMPONENTS.size()))) {
            throw new CurveDataException("field 'blend' is malformed: 'weights' must be [positions][horizons][" + COMPONENTS.size()
                    + "], 'band_scale' one per position, 'range' two numbers");
        }
    }

    /** One out-of-fold forecast: the held-out run's curve, what was shown of it, and the member's mean and sd. */
    record Sample(CurveGrid.Masked truth, CurveGrid.Masked shown, double[] mean, double[] sd) {
    }

    /** The candidates at every grid point: model mean, power law, last value ({@code [component][point]}). */
    static double[][] candidates(double[] t, double[] range, CurveGrid.Masked shown, double[] modelMean) {
        double[] pl = Baselines.PowerLaw.extrapolate(t, range[0], range[1], shown);
        double[] lv = new double[t.length];
        Arrays.fill(lv, shown.values()[shown.last()]);
        return new double[][]{modelMean, pl, lv};
    }

    static double position(int last, int grid) {
        return (last + 1) / (double) grid;
    }

    static double horizon(int i, int last, int grid) {
        return (i - last) / (double) grid;
    }

    /** Hat-function weights of {@code v} on {@code nodes}: linear between the two nodes around it, all on the end node outside. */
    static double[] hat(double[] nodes, double v) {
        double[] h = new double[nodes.length];
        if (v <= nodes[0]) {
            h[0] = 1;
        } else if (v >= nodes[nodes.length - 1]) {
            h[nodes.length - 1] = 1;
        } else {
            int j = 0;
            while (nodes[j + 1] < v) {
                j++;
            }
            double a = (v - nodes[j]) / (nodes[j + 1] - nodes[j]);
            h[j] = 1 - a;
            h[j + 1] = a;
        }
        return h;
    }

    /** The combination weights at a position and horizon. */
    public double[] weightsAt(double position, double horizon) {
        double[] hp = hat(positions, position), hh = hat(horizons, horizon);
        double[] w = new double[COMPONENTS.size()];
        for (int j = 0; j < hp.length; j++) {
            for (int l = 0; l < hh.length && hp[j] > 0; l++) {
                for (int c = 0; c < w.length; c++) {
                    w[c] += hp[j] * hh[l] * weights[j][l][c];
                }
            }
        }
        return w;
    }

    double scaleAt(double position) {
        double[] hp = hat(positions, position);
        double s = 0;
        for (int j = 0; j < hp.length; j++) {
            s += hp[j] * bandScale[j];
        }
        return s;
    }

    /** The blended mean for a curve with observed points {@code shown} (the model's mean given), all grid points. */
    double[] mean(double[] t, CurveGrid.Masked shown, double[] modelMean) {
        double[][] c = candidates(t, range, shown, modelMean);
        int g = t.length, last = shown.last();
        double p = position(last, g);
        double[] m = new double[g];
        for (int i = 0; i < g; i++) {
            double[] w = weightsAt(p, horizon(i, last, g));
            for (int k = 0; k < w.length; k++) {
                m[i] += w[k] * c[k][i];
            }
        }
        return m;
    }

    /** The blended forecast: the mean above, sd the ensemble's (uncalibrated) sd times the position's band scale. */
    CurvePredictor.Band apply(double[] t, CurveGrid.Masked shown, double[] modelMean, double[] rawSd) {
        double s = scaleAt(position(shown.last(), t.length));
        double[] sd = new double[rawSd.length];
        for (int i = 0; i < sd.length; i++) {
            sd[i] = s * rawSd[i];
        }
        return new CurvePredictor.Band(mean(t, shown, modelMean), sd);
    }

    /**
     * Fits the weights at each (position, horizon) node by least squares over the out-of-fold forecasts, each point
     * weighted by its hat functions, subject to weights ≥ 0 summing to 1; then the band scale per position node from the
     * blended forecasts' standardised errors (their 80th percentile, hat-weighted, over Z80).
     */
    static CurveBlend fit(List<Sample> samples, double[] t, double[] range) {
        int np = POSITIONS.length, nh = HORIZONS.length, nc = COMPONENTS.size(), g = t.length;
        double[][][][] a = new double[np][nh][nc][nc];
        double[][][] b = new double[np][nh][nc];
        double[][] mass = new double[np][nh];
        var cands = new ArrayList<double[][]>();
        for (Sample s : samples) {
            double[][] c = candidates(t, range, s.shown(), s.mean());
            cands.add(c);
            int last = s.shown().last();
            double[] hp = hat(POSITIONS, position(last, g));
            for (int i = last + 1; i < g; i++) {
                if (!s.truth().mask()[i]) {
                    continue;
                }
                double y = s.truth().values()[i];
                double[] hh = hat(HORIZONS, horizon(i, last, g));
                for (int j = 0; j < np; j++) {
                    for (int l = 0; l < nh; l++) {
                        double w = hp[j] * hh[l];
                        if (w == 0) {
                            continue;
                        }
                        mass[j][l] += w;
                        for (int u = 0; u < nc; u++) {
                            b[j][l][u] += w * c[u][i] * y;
                            for (int v = 0; v < nc; v++) {
                                a[j][l][u][v] += w * c[u][i] * c[v][i];
                            }
                        }
                    }
                }
            }
        }
        double[][][] weights = new double[np][nh][];
        for (int j = 0; j < np; j++) {
            for (int l = 0; l < nh; l++) {
                weights[j][l] = mass[j][l] < 1 ? modelOnly(nc) : simplexLeastSquares(a[j][l], b[j][l]);
            }
        }
        double[] scale = new double[np];
        Arrays.fill(scale, 1);
        var draft = new CurveBlend(COMPONENTS, POSITIONS.clone(), HORIZONS.clone(), weights, scale, range.clone(), samples.size());
        // band scale per position node: hat-weighted 80th percentile of |y − blend| / sd
        var ratios = new ArrayList<double[]>(); // {ratio, position}
        for (int n = 0; n < samples.size(); n++) {
            Sample s = samples.get(n);
            double[][] c = cands.get(n);
            int last = s.shown().last();
            double p = position(last, g);
            for (int i = last + 1; i < g; i++) {
                if (!s.truth().mask()[i]) {
                    continue;
                }
                double[] w = draft.weightsAt(p, horizon(i, last, g));
                double m = 0;
                for (int k = 0; k < nc; k++) {
                    m += w[k] * c[k][i];
                }
                ratios.add(new double[]{Math.abs(s.truth().values()[i] - m) / s.sd()[i], p});
            }
        }
        ratios.sort((x, y) -> Double.compare(x[0], y[0]));
        for (int j = 0; j < np; j++) {
            double total = 0;
            for (double[] r : ratios) {
                total += hat(POSITIONS, r[1])[j];
            }
            if (total < 1) {
                continue;
            }
            double acc = 0;
            for (double[] r : ratios) {
                acc += hat(POSITIONS, r[1])[j];
                if (acc >= 0.8 * total) {
                    scale[j] = r[0] / CurvePredictor.Z80;
                    break;
                }
            }
        }
        return new CurveBlend(COMPONENTS, POSITIONS.clone(), HORIZONS.clone(), weights, scale, range.clone(), samples.size());
    }

    private static double[] modelOnly(int n) {
        double[] w = new double[n];
        w[0] = 1;
        return w;
    }

    /**
     * argmin over w ≥ 0, Σw = 1 of wᵀAw − 2bᵀw: the equality-constrained solution on every subset of components, the
     * best one whose weights are all non-negative (the subsets of one component always are).
     */
    static double[] simplexLeastSquares(double[][] a, double[] b) {
        int n = b.length;
        double ridge = 1e-9 * (trace(a) + 1e-12);
        double[] best = modelOnly(n);
        double bestObj = Double.POSITIVE_INFINITY;
        for (int subset = 1; subset < (1 << n); subset++) {
            final int set = subset;
            int[] idx = java.util.stream.IntStream.range(0, n).filter(i -> (set & (1 << i)) != 0).toArray();
            int k = idx.length;
            // KKT system [A_S 1; 1ᵀ 0] [w; λ] = [b_S; 1]
            double[][] m = new double[k + 1][k + 2];
            for (int u = 0; u < k; u++) {
                for (int v = 0; v < k; v++) {
                    m[u][v] = a[idx[u]][idx[v]] + (u == v ? ridge : 0);
                }
                m[u][k] = 1;
                m[u][k + 1] = b[idx[u]];
                m[k][u] = 1;
            }
            m[k][k + 1] = 1;
            double[] sol = solve(m);
            if (sol == null) {
                continue;
            }
            double[] w = new double[n];
            boolean ok = true;
            for (int u = 0; u < k; u++) {
                w[idx[u]] = sol[u];
                ok &= sol[u] >= -1e-12;
            }
            if (!ok) {
                continue;
            }
            double obj = 0;
            for (int u = 0; u < n; u++) {
                obj -= 2 * b[u] * w[u];
                for (int v = 0; v < n; v++) {
                    obj += w[u] * a[u][v] * w[v];
                }
            }
            if (obj < bestObj - 1e-15) {
                bestObj = obj;
                best = w;
            }
        }
        for (int u = 0; u < n; u++) {
            best[u] = Math.max(0, best[u]);
        }
        double sum = Arrays.stream(best).sum();
        for (int u = 0; u < n; u++) {
            best[u] /= sum;
        }
        return best;
    }

    private static double trace(double[][] a) {
        double t = 0;
        for (int i = 0; i < a.length; i++) {
            t += a[i][i];
        }
        return t;
    }

    /** Gaussian elimination with partial pivoting of an augmented matrix; null when singular. */
    private static double[] solve(double[][] m) {
        int n = m.length;
        for (int c = 0; c < n; c++) {
            int p = c;
            for (int r = c + 1; r < n; r++) {
                if (Math.abs(m[r][c]) > Math.abs(m[p][c])) {
                    p = r;
                }
            }
            if (Math.abs(m[p][c]) < 1e-14) {
                return null;
            }
            double[] tmp = m[c];
            m[c] = m[p];
            m[p] = tmp;
            for (int r = 0; r < n; r++) {
                if (r != c) {
                    double f = m[r][c] / m[c][c];
                    for (int k = c; k <= n; k++) {
                        m[r][k] -= f * m[c][k];
                    }
                }
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = m[i][n] / m[i][i];
        }
        return x;
    }
}
