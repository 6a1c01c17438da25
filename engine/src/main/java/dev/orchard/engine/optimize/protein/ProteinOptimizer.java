package dev.orchard.engine.optimize.protein;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.optimize.SobolOptimizer;
import dev.orchard.engine.optimize.gp.GpModels;
import dev.orchard.engine.optimize.gp.GpModels.ModelSpace;
import dev.orchard.engine.optimize.gp.GpModels.Posterior;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Cost-aware Pareto Bayesian optimisation ({@code protein}, after CARBS): it looks for the best loss at every cost,
 * not only the best loss. The rule is documented in the package documentation; in short, per suggestion a target
 * cost is swept along the observed Pareto front of (cost, loss), candidates are drawn around the front, and the
 * candidate with the largest log expected improvement over the front at its predicted cost, less a penalty for going
 * over the target log-cost, is chosen among those the cost cap allows.
 *
 * <p>State: counters, the pending points and the last fitted hyperparameters of both GPs with the data sizes they
 * were fitted at. The data are rebuilt by re-observing the history, after which {@code restore} continues exactly.
 */
public final class ProteinOptimizer implements Optimizer {
    static final int REFIT_ALWAYS_UP_TO = 100;
    static final int REFIT_FRACTION = 20;
    static final int FIT_SUBSET = 300;
    static final int MAX_PENDING = 256;
    /** Suggestions keep at least this distance (in length-scales of the loss GP) from pending and observed points. */
    static final double MIN_SEPARATION = 0.05;
    /** Share of candidates drawn uniformly from the whole cube; the rest perturb front points. */
    static final double GLOBAL_FRACTION = 0.25;
    /** The perturbation scale: {@code max(MIN_SCALE, START_SCALE · √(n_startup / n))} of the unit range. */
    static final double START_SCALE = 0.25;
    static final double MIN_SCALE = 0.02;
    /** How many of the best candidates are refined by a second, finer round of perturbations. */
    static final int REFINE_CENTRES = 5;
    /** The cost cap tests {@code μ + CAP_BAND · σ} of the log-cost (an 84 % upper bound). */
    static final double CAP_BAND = 1.0;
    /** Width of the target-cost penalty: a fraction of the front's log-cost span (at least a fraction of all costs'). */
    static final double FRONT_WIDTH = 0.25;
    static final double ALL_WIDTH = 0.1;
    /**
     * The target quantile is {@code u^γ} with {@code γ = START_BIAS / (1 + (n − n_startup)/(BIAS_HORIZON · n_startup))}:
     * mean 1/4 at first (cheap targets), uniform after about 10 n_startup points, expensive beyond.
     */
    static final double START_BIAS = 3.0;
    static final double BIAS_HORIZON = 5.0;
    /** Costs below this count as this (a log needs a positive number). */
    static final double MIN_COST = 1e-6;
    /** Costs within this factor count as the same: a candidate is measured against the front at 1.2 × its cost. */
    static final double COST_RESOLUTION = Math.log(1.2);
    static final double GOLDEN = (Math.sqrt(5) - 1) / 2;

    private static final long SCORE_FIT_SALT = 0x7072_6f74_6600_0001L;
    private static final long COST_FIT_SALT = 0x7072_6f74_6600_0002L;
    private static final long SUGGEST_SALT = 0x7072_6f74_7300_0003L;
    private static final long TARGET_SALT = 0x7072_6f74_7400_0004L;

    private final Direction direction;
    private final long seed;
    private final ProteinSettings settings;
    private final ModelSpace encoding;
    private final boolean[] categorical;
    private final SobolOptimizer sobol;
    private final double targetOffset;

    /** One distinct configuration: its losses (completed, pruned) and its costs (completed only) summed. */
    private static final class Group {
        final double[] x;
        double lossSum;
        int lossCount;
        double logCostSum;
        int costCount;

        Group(double[] x) {
            this.x = x;
        }
    }

    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final List<double[]> failed = new ArrayList<>();
    private final List<double[]> pending = new ArrayList<>();
    private long suggested;
    private double[] scoreTheta;
    private int scoreFitSize = -1;
    private double[] costTheta;
    private int costFitSize = -1;

    // caches, rebuilt deterministically from the above
    private Model model;
    private Believed believed;

    public ProteinOptimizer(OptimizerContext context) {
        SearchSpace space = context.space();
        this.direction = context.direction();
        this.seed = context.seed();
        this.settings = ProteinSettings.from(context.config(), space.dimension());
        this.encoding = new ModelSpace(space);
        this.categorical = encoding.categorical();
        this.sobol = new SobolOptimizer(new OptimizerContext(space, direction, seed));
        this.targetOffset = Seeds.stream(seed ^ TARGET_SALT, 0).nextDouble();
    }

    // ---------------------------------------------------------------------------------------------- suggestions

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            double[] x;
            if (groups.size() < settings.startupTrials()) {
                x = designPoint();
            } else {
                x = modelSuggestion(Seeds.stream(seed ^ SUGGEST_SALT, suggested));
            }
            suggested++;
            out.add(encoding.decode(x));
        }
        return out;
    }

    /** The next point of the Sobol design (startup, and the fallback while the front is empty). */
    private double[] designPoint() {
        double[] x = encoding.encode(sobol.suggest(1).get(0));
        addPending(x);
        believed = null;
        return x;
    }

    private double[] modelSuggestion(SplittableRandom rng) {
        Model m;
        Believed b;
        try {
            m = model();
            if (m.frontCost.length == 0) {
                return designPoint(); // no completed trial yet (all failed or pruned): nothing to be cost-aware about
            }
            b = believed(m);
        } catch (ArithmeticException e) {
            return randomPoint(rng);
        }
        int nCand = settings.candidates();
        double scale = Math.max(MIN_SCALE, START_SCALE * Math.sqrt((double) settings.startupTrials() / Math.max(m.size(), settings.startupTrials())));
        double tau = targetLogCost(m);
        double width = penaltyWidth(m);
        double[][] reference = referenceFront(b);

        List<double[]> pts = new ArrayList<>(nCand + nCand / 4);
        int global = (int) Math.ceil(nCand * GLOBAL_FRACTION);
        for (int i = 0; i < nCand; i++) {
            double[] x = i < global ? encoding.random(rng)
                    : perturb(m.frontX[rng.nextInt(m.frontX.length)], scale * Math.pow(10, -rng.nextDouble()), rng);
            pts.add(encoding.canonical(x));
        }
        Scores s = score(m, b, pts, tau, width, reference);
        // a finer round around the best few allowed candidates
        int[] order = s.ranking();
        List<double[]> centres = new ArrayList<>();
        for (int i : order) {
            if (centres.size() >= REFINE_CENTRES || !s.allowed[i]) {
                break;
            }
            if (centres.stream().noneMatch(c -> Arrays.equals(c, pts.get(i)))) {
                centres.add(pts.get(i));
            }
        }
        if (!centres.isEmpty()) {
            List<double[]> local = new ArrayList<>();
            int perCentre = Math.max(1, nCand / (4 * centres.size()));
            for (double[] c : centres) {
                for (int k = 0; k < perCentre; k++) {
                    local.add(encoding.canonical(perturb(c, 0.25 * scale * Math.pow(10, -rng.nextDouble()), rng)));
                }
            }
            Scores sl = score(m, b, local, tau, width, reference);
            pts.addAll(local);
            s = s.concat(sl);
        }
        int pick = s.choose(pts, b.score, m);
        double[] x = pts.get(pick);
        if (addPending(x)) {
            believed = b.with(x, s.mean[pick], s.logCost[pick]);
        } else {
            believed = null; // the oldest pending point was dropped: rebuild next time
        }
        return x;
    }

    private double[] randomPoint(SplittableRandom rng) {
        double[] x = encoding.canonical(encoding.random(rng));
        addPending(x);
        believed = null;
        return x;
    }

    /**
     * The target log-cost of this suggestion: {@code lo + q (hi − lo)} between the cheapest and the most expensive
     * front point, {@code q = u^(1/b)} with {@code u} the golden-ratio sequence (so consecutive suggestions, and a
     * batch, sweep the front) and {@code b} growing with the data (so the target drifts upwards); capped at
     * {@code log(max_cost)}.
     */
    private double targetLogCost(Model m) {
        double lo = m.frontCost[0], hi = m.frontCost[m.frontCost.length - 1];
        double u = targetOffset + GOLDEN * (suggested % 1_000_000_007L);
        u -= Math.floor(u);
        double b = 1.0 + Math.max(0, m.size() - settings.startupTrials()) / (BIAS_HORIZON * settings.startupTrials());
        double tau = lo + Math.pow(u, START_BIAS / b) * (hi - lo);
        if (settings.maxCost().isPresent()) {
            tau = Math.min(tau, Math.log(Math.max(MIN_COST, settings.maxCost().getAsDouble())));
        }
        return tau;
    }

    /** The penalty's width in log-cost; infinite (no penalty) when every observed cost is the same. */
    private static double penaltyWidth(Model m) {
        if (!(m.costRange > 1e-9)) {
            return Double.POSITIVE_INFINITY;
        }
        double span = m.frontCost[m.frontCost.length - 1] - m.frontCost[0];
        return Math.max(FRONT_WIDTH * span, ALL_WIDTH * m.costRange);
    }

    /**
     * The front the improvement is measured against, as (log-cost, target) pairs by cost ascending: the observed
     * front plus the believed pending points (at their predicted log-cost and believed loss), Pareto-filtered.
     */
    private static double[][] referenceFront(Believed b) {
        int n = b.refCost.size();
        double[] c = new double[n], t = new double[n];
        for (int i = 0; i < n; i++) {
            c[i] = b.refCost.get(i);
            t[i] = b.refTarget.get(i);
        }
        int[] idx = ParetoFront.indices(c, t);
        double[][] out = new double[2][idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[0][i] = c[idx[i]];
            out[1][i] = t[idx[i]];
        }
        return out;
    }

    /**
     * The front's target at log-cost {@code c}, interpolated linearly in log-cost between neighbouring front points;
     * the cheapest point's target below the front, the best (most expensive point's) target above it. Interpolating
     * rather than taking the step of the last point at or below {@code c} matters: with the step, a point a hair
     * cheaper than a front point and no better would be measured against the next cheaper (much worse) front point
     * and look like a large improvement, and the search would crawl down in cost on a plateau.
     */
    static double frontTargetAt(double[][] front, double c) {
        double[] cost = front[0], target = front[1];
        int last = cost.length - 1;
        if (c <= cost[0]) {
            return target[0];
        }
        if (c >= cost[last]) {
            return target[last];
        }
        int lo = 0, hi = last; // cost[lo] < c < cost[hi]
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (cost[mid] <= c) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        double span = cost[hi] - cost[lo];
        return span > 0 ? target[lo] + (target[hi] - target[lo]) * (c - cost[lo]) / span : target[hi];
    }

    private double[] perturb(double[] centre, double sd, SplittableRandom rng) {
        int d = centre.length;
        double[] x = centre.clone();
        for (int k = 0; k < d; k++) {
            if (categorical[k]) {
                if (rng.nextDouble() < 1.0 / d || x[k] < 0) {
                    x[k] = rng.nextInt(encoding.levels(k));
                }
            } else {
                x[k] = Math.min(1.0, Math.max(0.0, x[k] + sd * gaussian(rng)));
            }
        }
        return x;
    }

    private static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble();
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    /** Candidate scores: loss posterior, predicted log-cost and its band, the acquisition, and the cap's verdict. */
    private final class Scores {
        final double[] mean, sd, logCost, logCostUpper, acq;
        final boolean[] allowed;

        Scores(int n) {
            mean = new double[n];
            sd = new double[n];
            logCost = new double[n];
            logCostUpper = new double[n];
            acq = new double[n];
            allowed = new boolean[n];
        }

        Scores concat(Scores o) {
            int n = mean.length, k = o.mean.length;
            Scores s = new Scores(n + k);
            copy(mean, o.mean, s.mean);
            copy(sd, o.sd, s.sd);
            copy(logCost, o.logCost, s.logCost);
            copy(logCostUpper, o.logCostUpper, s.logCostUpper);
            copy(acq, o.acq, s.acq);
            System.arraycopy(allowed, 0, s.allowed, 0, n);
            System.arraycopy(o.allowed, 0, s.allowed, n, k);
            return s;
        }

        private static void copy(double[] a, double[] b, double[] into) {
            System.arraycopy(a, 0, into, 0, a.length);
            System.arraycopy(b, 0, into, a.length, b.length);
        }

        /** Allowed candidates first, by acquisition descending, then index. */
        int[] ranking() {
            Integer[] order = new Integer[acq.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (p, q) -> allowed[p] != allowed[q] ? (allowed[p] ? -1 : 1)
                    : acq[p] != acq[q] ? Double.compare(acq[q], acq[p]) : Integer.compare(p, q));
            return Arrays.stream(order).mapToInt(Integer::intValue).toArray();
        }

        /**
         * The best allowed candidate not too near a pending or observed point; else the best allowed one; if the cap
         * allows none, the cheapest (upper band) not too near, else the cheapest.
         */
        int choose(List<double[]> pts, Posterior gp, Model m) {
            int[] order = ranking();
            if (allowed[order[0]]) {
                for (int i : order) {
                    if (!allowed[i]) {
                        break;
                    }
                    if (!tooNear(gp, m, pts.get(i))) {
                        return i;
                    }
                }
                return order[0];
            }
            Integer[] cheap = new Integer[acq.length];
            for (int i = 0; i < cheap.length; i++) {
                cheap[i] = i;
            }
            Arrays.sort(cheap, (p, q) -> logCostUpper[p] != logCostUpper[q] ? Double.compare(logCostUpper[p], logCostUpper[q])
                    : Integer.compare(p, q));
            for (int i : cheap) {
                if (!tooNear(gp, m, pts.get(i))) {
                    return i;
                }
            }
            return cheap[0];
        }
    }

    private Scores score(Model m, Believed b, List<double[]> pts, double tau, double width, double[][] reference) {
        int n = pts.size();
        double[][] p = pts.toArray(new double[0][]);
        Scores s = new Scores(n);
        double[] var = new double[n];
        b.score.predict(p, s.mean, var);
        double[] cm = new double[n], cv = new double[n];
        if (m.cost != null) {
            m.cost.predict(p, cm, cv);
        }
        double cap = settings.maxCost().isPresent() ? Math.log(Math.max(MIN_COST, settings.maxCost().getAsDouble()))
                : Double.POSITIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            s.sd[i] = Math.sqrt(var[i]);
            if (m.cost != null) {
                s.logCost[i] = m.costMean + m.costSd * cm[i];
                s.logCostUpper[i] = s.logCost[i] + CAP_BAND * m.costSd * Math.sqrt(cv[i]);
            } else {
                s.logCost[i] = m.costMean;
                s.logCostUpper[i] = m.costMean;
            }
            double a = GpModels.logExpectedImprovement(s.mean[i], s.sd[i], frontTargetAt(reference, s.logCost[i] + COST_RESOLUTION));
            if (Double.isFinite(width)) {
                double z = Math.max(0.0, s.logCost[i] - tau) / width; // only going over the target costs
                a -= 0.5 * z * z;
            }
            s.acq[i] = Double.isNaN(a) ? Double.NEGATIVE_INFINITY : a;
            s.allowed[i] = s.logCostUpper[i] <= cap;
        }
        return s;
    }

    /**
     * True when {@code x} lies within {@link #MIN_SEPARATION} length-scales of a pending point or of an observed
     * configuration (completed or failed): so strongly correlated with it that evaluating it would tell little. Without
     * this, averaging repeated configurations would let the optimizer suggest an observed point again and again (a
     * repeat leaves the averaged data, hence the model, unchanged).
     */
    private boolean tooNear(Posterior gp, Model m, double[] x) {
        double limit = MIN_SEPARATION * MIN_SEPARATION;
        for (double[] p : pending) {
            if (gp.scaledDistance2(x, p) < limit) {
                return true;
            }
        }
        for (double[] p : m.x) {
            if (gp.scaledDistance2(x, p) < limit) {
                return true;
            }
        }
        for (double[] p : failed) {
            if (gp.scaledDistance2(x, p) < limit) {
                return true;
            }
        }
        return false;
    }

    private boolean addPending(double[] x) {
        pending.add(x);
        if (pending.size() > MAX_PENDING) {
            pending.remove(0);
            return false;
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------- models

    /** The models of the observed data: the loss GP, the log-cost GP (or a constant) and the Pareto front. */
    private static final class Model {
        double[][] x;
        double[] target;
        double worstTarget;
        Posterior score;
        /** Front points by cost ascending: their points, log-costs and targets. */
        double[][] frontX;
        double[] frontCost;
        double[] frontTarget;
        /** Null when every observed cost is the same (or none is known): the log-cost is then {@link #costMean}. */
        Posterior cost;
        double costMean;
        double costSd;
        double costRange;

        int size() {
            return x.length;
        }
    }

    /** The loss posterior conditioned on failed and pending points, and the reference points (front plus pending). */
    private static final class Believed {
        Posterior score;
        final List<Double> refCost = new ArrayList<>();
        final List<Double> refTarget = new ArrayList<>();

        Believed with(double[] x, double mean, double logCost) {
            Believed b = new Believed();
            b.score = score.condition(x, mean);
            b.refCost.addAll(refCost);
            b.refTarget.addAll(refTarget);
            b.refCost.add(logCost);
            b.refTarget.add(mean);
            return b;
        }
    }

    private Model model() {
        if (model != null) {
            return model;
        }
        Model m = new Model();
        List<Group> all = new ArrayList<>(groups.values());
        int n = all.size();
        m.x = new double[n][];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            Group g = all.get(i);
            m.x[i] = g.x;
            loss[i] = g.lossSum / g.lossCount;
        }
        m.target = GpModels.warp(settings.warp(), loss);
        m.worstTarget = Arrays.stream(m.target).max().orElse(0);
        if (needsFit(scoreTheta, scoreFitSize, n)) {
            scoreTheta = fit(m.x, m.target, scoreTheta, SCORE_FIT_SALT);
            scoreFitSize = n;
        }
        m.score = Posterior.of(m.x, m.target, categorical, scoreTheta);

        // the front and the cost model: configurations with a completed run
        List<Integer> withCost = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            if (all.get(i).costCount > 0) {
                withCost.add(i);
            }
        }
        int nc = withCost.size();
        double[][] cx = new double[nc][];
        double[] cy = new double[nc], closs = new double[nc];
        for (int j = 0; j < nc; j++) {
            Group g = all.get(withCost.get(j));
            cx[j] = g.x;
            cy[j] = g.logCostSum / g.costCount;
            closs[j] = loss[withCost.get(j)];
        }
        int[] front = ParetoFront.indices(cy, closs);
        m.frontX = new double[front.length][];
        m.frontCost = new double[front.length];
        m.frontTarget = new double[front.length];
        for (int j = 0; j < front.length; j++) {
            m.frontX[j] = cx[front[j]];
            m.frontCost[j] = cy[front[j]];
            m.frontTarget[j] = m.target[withCost.get(front[j])];
        }
        double min = Arrays.stream(cy).min().orElse(0), max = Arrays.stream(cy).max().orElse(0);
        m.costRange = max - min;
        double mean = Arrays.stream(cy).average().orElse(0);
        if (m.costRange > 1e-9) {
            double ss = 0;
            for (double v : cy) {
                ss += (v - mean) * (v - mean);
            }
            double sd = Math.sqrt(ss / (nc - 1));
            double[] z = new double[nc];
            for (int j = 0; j < nc; j++) {
                z[j] = (cy[j] - mean) / sd;
            }
            if (needsFit(costTheta, costFitSize, nc)) {
                costTheta = fit(cx, z, costTheta, COST_FIT_SALT);
                costFitSize = nc;
            }
            m.cost = Posterior.of(cx, z, categorical, costTheta);
            m.costMean = mean;
            m.costSd = sd;
        } else {
            m.cost = null;
            m.costMean = mean;
            m.costSd = 0;
        }
        model = m;
        return m;
    }

    private Believed believed(Model m) {
        if (believed != null) {
            return believed;
        }
        Believed b = new Believed();
        Posterior gp = m.score;
        for (double[] f : failed) {
            gp = gp.condition(f, m.worstTarget);
        }
        for (int j = 0; j < m.frontCost.length; j++) {
            b.refCost.add(m.frontCost[j]);
            b.refTarget.add(m.frontTarget[j]);
        }
        double[][] pend = pending.toArray(new double[0][]);
        double[] cm = new double[pend.length], cv = new double[pend.length];
        if (m.cost != null && pend.length > 0) {
            m.cost.predict(pend, cm, cv);
        }
        for (int i = 0; i < pend.length; i++) {
            double mu = gp.mean(pend[i]);
            gp = gp.condition(pend[i], mu);
            b.refCost.add(m.cost != null ? m.costMean + m.costSd * cm[i] : m.costMean);
            b.refTarget.add(mu);
        }
        b.score = gp;
        believed = b;
        return b;
    }

    /** The refit schedule of {@code gp}: whenever the data changed up to 100 points, then every n/20. */
    static boolean needsFit(double[] theta, int fitSize, int n) {
        if (theta == null) {
            return true;
        }
        if (n == fitSize) {
            return false;
        }
        return n <= REFIT_ALWAYS_UP_TO || n - fitSize >= Math.max(1, n / REFIT_FRACTION) || n < fitSize;
    }

    private double[] fit(double[][] x, double[] y, double[] previous, long salt) {
        int n = y.length;
        SplittableRandom rng = Seeds.stream(seed ^ salt, n);
        double[][] fx = x;
        double[] fy = y;
        if (n > FIT_SUBSET) {
            int[] idx = rng.ints(0, n).distinct().limit(FIT_SUBSET).sorted().toArray();
            fx = new double[idx.length][];
            fy = new double[idx.length];
            for (int i = 0; i < idx.length; i++) {
                fx[i] = x[idx[i]];
                fy[i] = y[idx[i]];
            }
        }
        int starts = n <= REFIT_ALWAYS_UP_TO ? 5 : 2;
        return GpModels.fitHyperparameters(fx, fy, categorical, previous, starts, rng);
    }

    // ---------------------------------------------------------------------------------------------- observations

    @Override
    public void observe(Observation observation) {
        double[] x = encoding.encode(observation.params());
        int p = indexOf(pending, x);
        if (p >= 0) {
            pending.remove(p);
        }
        if (observation.state() == TrialState.FAILED) {
            failed.add(x);
        } else if (observation.value().isPresent()) {
            Group g = groups.computeIfAbsent(Arrays.toString(x), k -> new Group(x));
            g.lossSum += direction.toLoss(observation.value().getAsDouble());
            g.lossCount++;
            if (observation.state() == TrialState.COMPLETED) {
                // an unknown cost counts as 1; a pruned or stopped trial's cost is cut short and not counted
                double c = observation.cost().orElse(1.0);
                g.logCostSum += Math.log(Math.max(MIN_COST, c));
                g.costCount++;
            }
            model = null;
        }
        believed = null;
    }

    private static int indexOf(List<double[]> list, double[] x) {
        for (int i = 0; i < list.size(); i++) {
            double[] p = list.get(i);
            boolean same = true;
            for (int k = 0; k < x.length && same; k++) {
                same = Math.abs(p[k] - x[k]) <= 1e-12;
            }
            if (same) {
                return i;
            }
        }
        return -1;
    }

    /**
     * One distinct configuration as the models see it: its mean loss over {@code count} valued observations and the
     * geometric mean of its completed runs' costs (unknown costs counted as 1; empty when it has no completed run).
     */
    record DataPoint(Map<String, Object> params, double loss, int count, OptionalDouble cost) {
    }

    /** The data of the loss model, one point per distinct configuration, in order of first observation. */
    List<DataPoint> data() {
        List<DataPoint> out = new ArrayList<>();
        for (Group g : groups.values()) {
            out.add(point(g));
        }
        return out;
    }

    /** The Pareto front of the configurations with a completed run, by cost ascending. */
    List<DataPoint> front() {
        List<Group> withCost = groups.values().stream().filter(g -> g.costCount > 0).toList();
        double[] c = new double[withCost.size()], l = new double[withCost.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = withCost.get(i).logCostSum / withCost.get(i).costCount;
            l[i] = withCost.get(i).lossSum / withCost.get(i).lossCount;
        }
        List<DataPoint> out = new ArrayList<>();
        for (int i : ParetoFront.indices(c, l)) {
            out.add(point(withCost.get(i)));
        }
        return out;
    }

    private DataPoint point(Group g) {
        return new DataPoint(encoding.decode(g.x), g.lossSum / g.lossCount, g.lossCount,
                g.costCount > 0 ? OptionalDouble.of(Math.exp(g.logCostSum / g.costCount)) : OptionalDouble.empty());
    }

    // ---------------------------------------------------------------------------------------------- state

    @Override
    public JsonNode state() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("suggested", suggested);
        s.set("sobol", sobol.state());
        ArrayNode pend = s.putArray("pending");
        for (double[] x : pending) {
            ArrayNode a = pend.addArray();
            for (double v : x) {
                a.add(v);
            }
        }
        putTheta(s, "score", scoreTheta, scoreFitSize);
        putTheta(s, "cost", costTheta, costFitSize);
        return s;
    }

    private static void putTheta(ObjectNode s, String name, double[] theta, int fitSize) {
        if (theta != null) {
            ArrayNode t = s.putArray(name + "_theta");
            for (double v : theta) {
                t.add(v);
            }
            s.put(name + "_fit_size", fitSize);
        }
    }

    @Override
    public void restore(JsonNode state) {
        int d = categorical.length;
        int h = GpModels.hyperparameterCount(d);
        List<double[]> pend = new ArrayList<>();
        for (JsonNode a : state.path("pending")) {
            pend.add(doubles(a, d, "pending"));
        }
        JsonNode st = state.path("score_theta"), ct = state.path("cost_theta");
        double[] sTheta = st.isArray() ? doubles(st, h, "score_theta") : null;
        double[] cTheta = ct.isArray() ? doubles(ct, h, "cost_theta") : null;
        suggested = state.path("suggested").asLong(0);
        sobol.restore(state.path("sobol"));
        pending.clear();
        pending.addAll(pend);
        scoreTheta = sTheta;
        scoreFitSize = sTheta == null ? -1 : state.path("score_fit_size").asInt(-1);
        costTheta = cTheta;
        costFitSize = cTheta == null ? -1 : state.path("cost_fit_size").asInt(-1);
        model = null;
        believed = null;
    }

    private static double[] doubles(JsonNode a, int length, String what) {
        if (!a.isArray() || a.size() != length) {
            throw new IllegalArgumentException("protein state: '" + what + "' needs arrays of " + length + " numbers, got " + a);
        }
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException("protein state: '" + what + "' holds a non-number: " + a);
            }
            x[i] = a.get(i).asDouble();
        }
        return x;
    }

    /** The {@code protein} optimizer. */
    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "protein";
        }

        @Override
        public String description() {
            return "cost-aware Pareto Bayesian optimisation (CARBS-like): best loss at every cost, optional max_cost cap";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new ProteinOptimizer(context);
        }
    }
}
