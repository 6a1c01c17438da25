package dev.orchard.engine.optimize.cmaes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.LogUniformParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import org.hipparchus.distribution.continuous.NormalDistribution;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.linear.Array2DRowRealMatrix;
import org.hipparchus.linear.EigenDecompositionSymmetric;
import org.hipparchus.linear.RealMatrix;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * CMA-ES with IPOP restarts on the unit cube, in ask/tell form.
 *
 * <h2>Algorithm</h2>
 * The (μ/μ_w, λ)-CMA-ES of Hansen, "The CMA Evolution Strategy: A Tutorial" (2016): the default population
 * {@code λ = 4 + ⌊3 ln n⌋}, the weights, μ_eff, c_σ, d_σ, c_c, c_1 and c_μ of its Table 1 (with the negative,
 * "active" weights; see {@link Strategy}), cumulative step-size adaptation, the evolution path with the h_σ stall, the
 * rank-one and rank-μ covariance updates, and an eigendecomposition of C every {@link Strategy#eigenGap()}
 * generations (Hipparchus {@link EigenDecompositionSymmetric}). The step-size change per generation is limited to a
 * factor e, and σ to a largest coordinate standard deviation of 1 (the width of the cube; beyond it sampling is uniform
 * already).
 *
 * <h2>Encoding</h2>
 * The distribution lives on the unit cube of the space (log parameters uniform in log space), over the parameters
 * with more than one value; constant parameters sit at 0.5. The first mean is the centre of the cube, or, when
 * results of trials this optimizer did not suggest were told before the first {@link #suggest} (a warm start or a
 * resumed history), the best of them. σ0 = 0.3 of the cube's width (setting {@code sigma0}).
 *
 * <h2>Bounds</h2>
 * Penalty-free, by mirroring: a sample {@code x = m + σ A y} is mirrored into the cube coordinate by coordinate and
 * periodically ({@code x → |x|} below 0, {@code x → 2 − x} above 1, repeated, so a step of any length lands inside),
 * and the mirrored point is what is evaluated. No penalty, no resampling. The update uses the sample as drawn (the
 * unmirrored x), so CMA-ES runs unmodified on the function {@code g ↦ f(mirror(g))} of R^n, and every step that enters
 * the update is a genuine N(0, C) sample: the step-size and covariance statistics stay valid. (Updating with the
 * mirrored point instead, the "Lamarckian" repair, was tried and rejected: with an optimum on a face of the cube, e.g. a
 * linear function minimised at a corner, the mirrored points all sit on one side of the mean, σ stops shrinking and the
 * run stalls at a distance from the face of a few percent of the range; optima at a bound are common in
 * hyperparameter search, a learning rate at its upper bound for instance.) The mirror map is symmetric under the
 * reflections {@code g_j → −g_j} and {@code g_j → 2 − g_j}, so after each update a mean that left the cube is folded
 * back with the matching reflection of C, its eigenvectors and the paths: an exact change of coordinates that leaves
 * the distribution of evaluated points unchanged and keeps the mean, and everything reported, inside the cube.
 *
 * <h2>Discrete parameters</h2>
 * Ints and choices use the continuous relaxation: the sample is rounded to a value by the space ({@code fromUnit},
 * equal cells of the unit interval, log cells for log ints) and the unrounded sample is used in the update.
 * To keep a discrete coordinate from freezing, the margin of Hamano et al. ("CMA-ES with Margin", GECCO 2022) is
 * applied after every update with α = 1/(nλ): when the mean sits in an end cell it is moved towards the cell's inner
 * border until the probability of sampling the neighbouring value is α; in an inner cell the coordinate's scale
 * {@code A_jj} is raised until either neighbour has probability at least α/2. For string and boolean choices the
 * relaxation imposes an order on values that have none (neighbouring cells are not similar values), so CMA-ES is weak
 * there; prefer TPE or evolution for spaces made mostly of such choices. Inactive conditional parameters are carried
 * like any other coordinate; they do not change the result, so the distribution drifts freely along them.
 *
 * <h2>Restarts (IPOP, Auger and Hansen 2005)</h2>
 * After each update the run restarts with twice the population from a uniformly random mean, σ0 and C = I when
 * <ul>
 *   <li><b>tol_sigma</b>: every coordinate's standard deviation {@code σ √C_jj} is below {@code tol_sigma}
 *       (default 1e-11), i.e. the distribution has collapsed;</li>
 *   <li><b>condition</b>: the condition number of C exceeds 1e14 (or its eigendecomposition breaks down);</li>
 *   <li><b>stagnation</b>: the best value of the run has not improved (strictly) for {@code 10 + ⌈30n/λ⌉}
 *       generations; this covers the flat-fitness ("tolfun") case too, and is the criterion that ends runs on discrete
 *       spaces, where the margin keeps σ from collapsing.</li>
 * </ul>
 * The population doubles at each of the first {@code restarts} restarts (default 9); later restarts keep the largest
 * population. The last {@value #RESTART_LOG} restarts are logged in {@link #restartLog()}.
 *
 * <h2>Ask/tell</h2>
 * A generation is the set of candidates sampled from one state of the distribution. {@link #suggest} hands out new
 * candidates of the current generation, as many as asked: when more are asked than a generation has members before its
 * results are in (more trials run in parallel than λ), the extra candidates are drawn from the same, not yet updated
 * distribution. Results are matched to candidates by the configuration (its unit-cube coordinates), first come first
 * served among equal configurations, in any order. When λ candidates of the current generation have results the
 * generation updates the distribution, using those λ; results of its other candidates, and of candidates of a
 * generation discarded by a restart, arrive later and only count towards the best value. A failed trial (or a stopped
 * one without a value) takes the worst value of its generation: it ranks after every member with a value (and gets a
 * negative weight). Pruned trials (and stopped ones with a value) count with the value they reached. A generation in
 * which every member failed is discarded without an update. Results of
 * configurations this optimizer did not suggest only choose the first mean (see above).
 *
 * <h2>Seeds and state</h2>
 * Candidate {@code k} draws its Gaussian vector from the stream {@code (seed, k)}; restart means from their own
 * streams. {@link #state()} holds what the history of results cannot give, and nothing that grows with it: the
 * distribution (mean, σ, C, its eigendecomposition, paths, margin scales), counters, and of the current generation only
 * where it began (its first draw, the number of results told before it, the candidates of earlier generations still
 * pending then, and which of its results matched no candidate, normally none). {@link #restore}, called after the
 * engine re-observed the history (the {@link Optimizer} contract), draws the generation's candidates again from their
 * streams and replays the generation's results from the re-observed history, so it continues exactly.
 */
public final class CmaEsOptimizer implements Optimizer {
    static final Set<String> KEYS = Set.of("sigma0", "popsize", "restarts", "tol_sigma");
    static final double MAX_CONDITION = 1e14;
    /** How many of the latest restarts {@link #restartLog()} keeps. */
    static final int RESTART_LOG = 10;
    private static final long RESTART_SALT = 0x63_6d_61_72_65_73_74L;
    private static final NormalDistribution NORMAL = new NormalDistribution();

    /** One sampled point of a generation. */
    private static final class Candidate {
        final double[] x;       // the sample as drawn (before mirroring), on the effective coordinates
        boolean observed;
        double loss = Double.NaN; // NaN: failed (when observed)

        Candidate(double[] x) {
            this.x = x;
        }
    }

    /** A pending candidate: the configuration's key, its generation and its index there. */
    private record Ref(String key, int gen, int index) {
    }

    /** A result told before the first suggestion: a warm start, or the history the engine re-observes before a restore. */
    private record Told(String key, double loss) {
    }

    private final SearchSpace space;
    private final Direction direction;
    private final long seed;
    private final int full;       // parameters in the space
    private final int[] dims;     // effective coordinate -> parameter index
    private final boolean[] discrete;
    private final int n;
    private final double sigma0;
    private final int popsize0;
    private final int maxDoublings;
    private final double tolSigma;

    // the run
    private boolean started;
    private int restarts;
    private int lambda;
    private Strategy st;
    private double[] mean;
    private double sigma;
    private double[][] c;
    private double[][] b;
    private double[] d;
    private double[] pc;
    private double[] ps;
    private double[] a;
    private int gen;
    private int eigenGen;
    private int lastImprovement;
    private double runBest = Double.POSITIVE_INFINITY;
    private long generations;

    // ask/tell bookkeeping
    private long drawn;
    private int genId;
    private final List<Candidate> cands = new ArrayList<>();
    private final List<Integer> observedOrder = new ArrayList<>();
    private final LinkedHashMap<String, ArrayDeque<int[]>> pending = new LinkedHashMap<>(); // key -> {genId, index}
    private double warmLoss = Double.POSITIVE_INFINITY;
    private double[] warmUnit;
    private double bestLoss = Double.POSITIVE_INFINITY;
    private final TrialSet seen = new TrialSet();
    private final List<String> restartLog = new ArrayList<>();

    // where the current generation began, for the state (see restore)
    private int told;           // results counted so far (each trial once)
    private int genTold;        // results counted when the generation began
    private long genDrawn;      // draws made when it began
    private List<Ref> genPending = List.of(); // candidates of earlier generations pending when it began
    /** Its results that matched no candidate, as ranges {from, to} of positions from genTold (runs stay one range). */
    private final List<int[]> unmatched = new ArrayList<>();
    private final List<Told> beforeStart = new ArrayList<>();

    public CmaEsOptimizer(OptimizerContext context) {
        this.space = context.space();
        this.direction = context.direction();
        this.seed = context.seed();
        this.full = space.dimension();
        var eff = new ArrayList<Integer>();
        for (int i = 0; i < full; i++) {
            if (space.params().get(i).cardinality() > 1) {
                eff.add(i);
            }
        }
        if (eff.isEmpty()) {
            eff.add(0); // a space of one configuration: a flat one-dimensional problem
        }
        this.dims = eff.stream().mapToInt(Integer::intValue).toArray();
        this.n = dims.length;
        this.discrete = new boolean[n];
        for (int j = 0; j < n; j++) {
            Param p = space.params().get(dims[j]);
            discrete[j] = !(p instanceof UniformParam || p instanceof LogUniformParam) && p.cardinality() > 1;
        }
        JsonNode config = context.config();
        if (!config.isObject()) {
            throw new IllegalArgumentException("cmaes: settings must be a JSON object, got " + config);
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown cmaes setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        this.sigma0 = number(config, "sigma0", 0.3, 1.0);
        this.tolSigma = number(config, "tol_sigma", 1e-11, 1.0);
        this.popsize0 = integer(config, "popsize", 4 + (int) Math.floor(3 * Math.log(n)), 2, 1 << 20);
        this.maxDoublings = integer(config, "restarts", 9, 0, 20);
    }

    private static double number(JsonNode config, String key, double dflt, double max) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isNumber() || !(v.asDouble() > 0) || v.asDouble() > max) {
            throw new IllegalArgumentException("cmaes setting '" + key + "' must be a number in (0, " + max + "], got " + v);
        }
        return v.asDouble();
    }

    private static int integer(JsonNode config, String key, int dflt, int min, int max) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException("cmaes setting '" + key + "' must be an integer in [" + min + ", " + max
                    + "], got " + v);
        }
        return v.asInt();
    }

    // ---------------------------------------------------------------------------------------------- accessors

    /** The current population size λ (doubles at IPOP restarts). */
    public int populationSize() {
        return started ? lambda : popsize0;
    }

    /** Number of restarts so far. */
    public int restarts() {
        return restarts;
    }

    /** Why each restart happened, in order ("stagnation", "tol_sigma", "condition"), with the generation. */
    public List<String> restartLog() {
        return List.copyOf(restartLog);
    }

    /** The step size σ of the current run. */
    public double sigma() {
        return started ? sigma : sigma0;
    }

    /** The distribution mean, on the cube coordinates of the non-constant parameters. */
    public double[] mean() {
        return started ? mean.clone() : new double[0];
    }

    /** Generations that updated the distribution, over all runs. */
    public long generations() {
        return generations;
    }

    // ---------------------------------------------------------------------------------------------- ask

    @Override
    public List<Map<String, Object>> suggest(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + count);
        }
        if (!started) {
            start();
        }
        var out = new ArrayList<Map<String, Object>>(count);
        for (int i = 0; i < count; i++) {
            out.add(sample());
        }
        return out;
    }

    private void start() {
        started = true;
        beforeStart.clear();
        double[] m0 = new double[n];
        for (int j = 0; j < n; j++) {
            double u = warmUnit == null ? 0.5 : warmUnit[dims[j]];
            m0[j] = Double.isNaN(u) ? 0.5 : Math.min(1, Math.max(0, u));
        }
        lambda = popsize0;
        startRun(m0);
    }

    private void startRun(double[] m0) {
        st = Strategy.of(n, lambda);
        mean = m0;
        sigma = sigma0;
        c = identity(n);
        b = identity(n);
        d = new double[n];
        Arrays.fill(d, 1.0);
        pc = new double[n];
        ps = new double[n];
        a = new double[n];
        Arrays.fill(a, 1.0);
        gen = 0;
        eigenGen = 0;
        lastImprovement = 0;
        runBest = Double.POSITIVE_INFINITY;
        newGeneration();
        applyMargin();
    }

    private void newGeneration() {
        genId++;
        cands.clear();
        observedOrder.clear();
        genTold = told;
        genDrawn = drawn;
        genPending = pendingRefs();
        unmatched.clear();
    }

    /** The pending candidates in the order they were drawn (each key's queue keeps that order). */
    private List<Ref> pendingRefs() {
        List<Ref> refs = new ArrayList<>();
        pending.forEach((key, q) -> q.forEach(r -> refs.add(new Ref(key, r[0], r[1]))));
        refs.sort(Comparator.comparingInt(Ref::gen).thenComparingInt(Ref::index));
        return List.copyOf(refs);
    }

    private void addPending(Ref r) {
        pending.computeIfAbsent(r.key(), k -> new ArrayDeque<>()).addLast(new int[]{r.gen(), r.index()});
    }

    private Map<String, Object> sample() {
        return candidate(drawn++);
    }

    /** Draws the candidate of draw {@code draw} (its own stream) from the current distribution and makes it pending. */
    private Map<String, Object> candidate(long draw) {
        SplittableRandom rng = Seeds.stream(seed, draw);
        double[] z = new double[n];
        for (int j = 0; j < n; j += 2) {
            double r = Math.sqrt(-2.0 * Math.log(1.0 - rng.nextDouble()));
            double phi = 2.0 * Math.PI * rng.nextDouble();
            z[j] = r * Math.cos(phi);
            if (j + 1 < n) {
                z[j + 1] = r * Math.sin(phi);
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            double y = 0;
            for (int k = 0; k < n; k++) {
                y += b[i][k] * d[k] * z[k];
            }
            x[i] = mean[i] + sigma * a[i] * y;
        }
        double[] u = new double[full];
        Arrays.fill(u, 0.5);
        for (int j = 0; j < n; j++) {
            u[dims[j]] = reflect(x[j]);
        }
        Map<String, Object> config = space.fromUnit(u);
        String key = key(space.toUnit(config));
        cands.add(new Candidate(x));
        addPending(new Ref(key, genId, cands.size() - 1));
        return config;
    }

    /** Mirrors a coordinate into [0, 1], periodically. */
    static double reflect(double x) {
        if (x >= 0 && x <= 1) {
            return x;
        }
        double t = x % 2.0;
        if (t < 0) {
            t += 2.0;
        }
        return t > 1.0 ? 2.0 - t : t;
    }

    /** Identity of a configuration: its unit-cube coordinates (numbers compared by value, NaN for inactive). */
    private static String key(double[] u) {
        var sb = new StringBuilder(u.length * 20);
        for (double x : u) {
            sb.append(Double.isNaN(x) ? "-" : Double.toString(x + 0.0)).append(',');
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------------------------------------- tell

    @Override
    public void observe(Observation observation) {
        double[] u = space.toUnit(observation.params()); // throws for a configuration outside the space
        if (!seen.add(observation.trial())) {
            return; // told before
        }
        int position = told++;
        boolean failed = observation.value().isEmpty();
        double loss = failed ? Double.NaN : direction.toLoss(observation.value().getAsDouble());
        if (!failed && loss < bestLoss) {
            bestLoss = loss;
        }
        String key = key(u);
        if (!started) {
            beforeStart.add(new Told(key, loss));
        }
        if (!match(key, loss)) { // not suggested here: a warm start
            if (!started && !failed && loss < warmLoss) {
                warmLoss = loss;
                warmUnit = u;
            }
            if (started) {
                addUnmatched(position - genTold);
            }
        }
    }

    private void addUnmatched(int p) {
        int[] last = unmatched.isEmpty() ? null : unmatched.get(unmatched.size() - 1);
        if (last != null && last[1] == p - 1) {
            last[1] = p;
        } else {
            unmatched.add(new int[]{p, p});
        }
    }

    /**
     * Gives a result to the first pending candidate with its configuration, and updates the distribution when it
     * completes the generation; false when no candidate is pending with this configuration.
     */
    private boolean match(String key, double loss) {
        ArrayDeque<int[]> q = pending.get(key);
        if (q == null) {
            return false;
        }
        int[] ref = q.pollFirst();
        if (q.isEmpty()) {
            pending.remove(key);
        }
        if (ref[0] != genId) {
            return true; // a candidate of a generation that already updated, or that a restart discarded
        }
        Candidate cand = cands.get(ref[1]);
        cand.observed = true;
        cand.loss = loss;
        observedOrder.add(ref[1]);
        if (observedOrder.size() == lambda) {
            update();
        }
        return true;
    }

    private void update() {
        List<Integer> used = new ArrayList<>(observedOrder);
        used.sort(Comparator.<Integer>comparingDouble(i -> Double.isNaN(cands.get(i).loss) ? Double.POSITIVE_INFINITY
                : cands.get(i).loss).thenComparingInt(i -> i));
        Candidate best = cands.get(used.get(0));
        if (Double.isNaN(best.loss)) { // every member failed: nothing to learn from
            gen++;
            generations++;
            if (!checkRestart(true)) {
                newGeneration();
            }
            return;
        }
        if (best.loss < runBest) {
            runBest = best.loss;
            lastImprovement = gen;
        }
        // steps y_i = (x_i - m) / (σ A) of the samples as drawn
        double[][] y = new double[lambda][];
        double[] mahal = new double[lambda];
        for (int r = 0; r < lambda; r++) {
            Candidate cd = cands.get(used.get(r));
            double[] yi = new double[n];
            for (int j = 0; j < n; j++) {
                yi[j] = (cd.x[j] - mean[j]) / (sigma * a[j]);
            }
            y[r] = yi;
            mahal[r] = norm(invSqrtC(yi));
        }
        double[] w = st.weights();
        double[] yw = new double[n];
        for (int r = 0; r < st.mu(); r++) {
            for (int j = 0; j < n; j++) {
                yw[j] += w[r] * y[r][j];
            }
        }
        // mean (c_m = 1)
        for (int j = 0; j < n; j++) {
            mean[j] += sigma * a[j] * yw[j];
        }
        // step-size path
        double csn = Math.sqrt(st.cSigma() * (2 - st.cSigma()) * st.mueff());
        double[] cyw = invSqrtC(yw);
        for (int j = 0; j < n; j++) {
            ps[j] = (1 - st.cSigma()) * ps[j] + csn * cyw[j];
        }
        double psNorm = norm(ps);
        boolean hsig = psNorm / Math.sqrt(1 - Math.pow(1 - st.cSigma(), 2.0 * (gen + 1))) / st.chiN()
                < 1.4 + 2.0 / (n + 1);
        // covariance path
        double ccn = Math.sqrt(st.cC() * (2 - st.cC()) * st.mueff());
        for (int j = 0; j < n; j++) {
            pc[j] = (1 - st.cC()) * pc[j] + (hsig ? ccn * yw[j] : 0);
        }
        // covariance: rank-one and rank-μ with active (negative) weights
        double deltaH = hsig ? 0 : st.cC() * (2 - st.cC());
        double keep = 1 + st.c1() * deltaH - st.c1() - st.cMu() * st.sumWeights();
        double[] wo = new double[lambda];
        for (int r = 0; r < lambda; r++) {
            wo[r] = w[r] >= 0 ? w[r] : w[r] * n / Math.max(1e-300, mahal[r] * mahal[r]);
        }
        for (int i = 0; i < n; i++) {
            for (int k = 0; k <= i; k++) {
                double v = keep * c[i][k] + st.c1() * pc[i] * pc[k];
                double s = 0;
                for (int r = 0; r < lambda; r++) {
                    s += wo[r] * y[r][i] * y[r][k];
                }
                v += st.cMu() * s;
                c[i][k] = v;
                c[k][i] = v;
            }
        }
        // step size (change limited to a factor e; largest coordinate deviation at most 1)
        sigma *= Math.exp(Math.min(1.0, st.cSigma() / st.dSigma() * (psNorm / st.chiN() - 1)));
        double maxC = 0;
        for (int j = 0; j < n; j++) {
            maxC = Math.max(maxC, c[j][j]);
        }
        if (sigma * Math.sqrt(maxC) > 1) {
            sigma = 1 / Math.sqrt(maxC);
        }
        fold();
        gen++;
        generations++;
        if (gen - eigenGen >= st.eigenGap()) {
            eigenGen = gen;
            if (!decompose()) {
                restart("condition");
                return;
            }
        }
        if (!checkRestart(false)) {
            newGeneration();
            applyMargin();
        }
    }

    /** Checks the restart criteria after a generation; restarts and returns true when one holds. */
    private boolean checkRestart(boolean failedGeneration) {
        if (!failedGeneration) {
            double maxStd = 0;
            boolean finite = Double.isFinite(sigma);
            for (int j = 0; j < n; j++) {
                maxStd = Math.max(maxStd, sigma * Math.sqrt(c[j][j]));
                finite &= Double.isFinite(mean[j]) && Double.isFinite(c[j][j]);
            }
            if (!finite) {
                restart("condition");
                return true;
            }
            if (maxStd < tolSigma) {
                restart("tol_sigma");
                return true;
            }
            double maxD = 0, minD = Double.POSITIVE_INFINITY;
            for (double v : d) {
                maxD = Math.max(maxD, v);
                minD = Math.min(minD, v);
            }
            if (maxD * maxD > MAX_CONDITION * minD * minD) {
                restart("condition");
                return true;
            }
        }
        if (gen - lastImprovement >= st.stagnationWindow()) {
            restart("stagnation");
            return true;
        }
        return false;
    }

    private void restart(String reason) {
        restartLog.add(reason + " after generation " + gen + " of run " + restarts + " (λ=" + lambda + ")");
        if (restartLog.size() > RESTART_LOG) {
            restartLog.remove(0);
        }
        restarts++;
        if (restarts <= maxDoublings) {
            lambda *= 2;
        }
        SplittableRandom rng = Seeds.stream(seed ^ RESTART_SALT, restarts);
        double[] m0 = new double[n];
        for (int j = 0; j < n; j++) {
            m0[j] = rng.nextDouble();
        }
        startRun(m0);
    }

    /**
     * Brings a mean that left the cube back with the symmetries of the mirror map: a shift by the period 2, and where
     * that lands in (1, 2) the reflection {@code g → 2 − g}, which flips the sign of the coordinate in C (off the
     * diagonal), in the eigenvectors and in both paths.
     */
    private void fold() {
        for (int j = 0; j < n; j++) {
            double m = mean[j];
            if (m >= 0 && m <= 1 || !Double.isFinite(m)) {
                continue;
            }
            double t = m % 2.0;
            if (t < 0) {
                t += 2.0;
            }
            if (t <= 1) {
                mean[j] = t;
                continue;
            }
            mean[j] = 2.0 - t;
            for (int i = 0; i < n; i++) {
                if (i != j) {
                    c[i][j] = -c[i][j];
                    c[j][i] = -c[j][i];
                }
                b[j][i] = -b[j][i];
            }
            pc[j] = -pc[j];
            ps[j] = -ps[j];
        }
    }

    /** Eigendecomposition C = B diag(d²) Bᵀ; false when it fails or C is not positive definite. */
    private boolean decompose() {
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < i; k++) {
                double v = (c[i][k] + c[k][i]) / 2;
                c[i][k] = v;
                c[k][i] = v;
            }
        }
        EigenDecompositionSymmetric e;
        try {
            e = new EigenDecompositionSymmetric(new Array2DRowRealMatrix(c, true));
        } catch (MathRuntimeException ex) {
            return false;
        }
        double[] ev = e.getEigenvalues();
        RealMatrix v = e.getV();
        double[] nd = new double[n];
        for (int k = 0; k < n; k++) {
            if (!(ev[k] > 0) || !Double.isFinite(ev[k])) {
                return false;
            }
            nd[k] = Math.sqrt(ev[k]);
        }
        d = nd;
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < n; k++) {
                b[i][k] = v.getEntry(i, k);
            }
        }
        return true;
    }

    /** C^{-1/2} v = B diag(1/d) Bᵀ v, with the last decomposition. */
    private double[] invSqrtC(double[] v) {
        double[] t = new double[n];
        for (int k = 0; k < n; k++) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += b[i][k] * v[i];
            }
            t[k] = s / d[k];
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < n; k++) {
                s += b[i][k] * t[k];
            }
            out[i] = s;
        }
        return out;
    }

    /**
     * The margin (Hamano et al. 2022) on discrete coordinates: the probability of sampling a value other than the
     * mean's stays at least α = 1/(nλ). See the class comment.
     */
    private void applyMargin() {
        double alpha = Math.min(0.25, 1.0 / (n * (double) lambda));
        double qEdge = NORMAL.inverseCumulativeProbability(1 - alpha);
        double qInner = NORMAL.inverseCumulativeProbability(1 - alpha / 2);
        for (int j = 0; j < n; j++) {
            if (!discrete[j]) {
                continue;
            }
            double s0 = sigma * Math.sqrt(c[j][j]);
            if (!(s0 > 0) || !Double.isFinite(s0)) {
                continue;
            }
            double[] cell = cell(j, mean[j]);
            double lo = cell[0];
            double hi = cell[1];
            if (!Double.isNaN(lo) && !Double.isNaN(hi)) {
                double need = Math.max(mean[j] - lo, hi - mean[j]) / qInner;
                a[j] = Math.max(1.0, need / s0);
            } else {
                a[j] = 1.0;
                if (Double.isNaN(lo) && !Double.isNaN(hi) && hi - mean[j] > qEdge * s0) {
                    mean[j] = hi - qEdge * s0;
                } else if (Double.isNaN(hi) && !Double.isNaN(lo) && mean[j] - lo > qEdge * s0) {
                    mean[j] = lo + qEdge * s0;
                }
            }
        }
    }

    /** Inner borders {lo, hi} of the cell holding {@code u} on discrete coordinate j; NaN where the cell is at an end. */
    private double[] cell(int j, double u) {
        Param p = space.params().get(dims[j]);
        if (p instanceof IntParam ip && ip.log()) {
            long v = ((Number) ip.fromUnit(u)).longValue();
            double l0 = Math.log(ip.low());
            double span = Math.log(ip.high() + 1.0) - l0;
            double lo = v == ip.low() ? Double.NaN : (Math.log(v) - l0) / span;
            double hi = v == ip.high() ? Double.NaN : (Math.log(v + 1.0) - l0) / span;
            return new double[]{lo, hi};
        }
        long k = p.cardinality();
        long cell = Math.min(k - 1, (long) Math.floor(Math.min(1, Math.max(0, u)) * k));
        double lo = cell == 0 ? Double.NaN : (double) cell / k;
        double hi = cell == k - 1 ? Double.NaN : (cell + 1.0) / k;
        return new double[]{lo, hi};
    }

    private static double norm(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    private static double[][] identity(int n) {
        double[][] m = new double[n][n];
        for (int i = 0; i < n; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------- state

    @Override
    public JsonNode state() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("version", 2);
        s.put("dimension", n);
        s.put("started", started);
        s.put("drawn", drawn);
        s.put("gen_id", genId);
        s.put("restarts", restarts);
        s.put("generations", generations);
        s.put("told", told);
        putNumber(s, "best", bestLoss);
        putNumber(s, "warm_loss", warmLoss);
        if (warmUnit != null) {
            s.set("warm_unit", array(warmUnit));
        }
        ArrayNode log = s.putArray("restart_log");
        restartLog.forEach(log::add);
        if (started) {
            s.put("lambda", lambda);
            s.put("sigma", sigma);
            s.set("mean", array(mean));
            s.set("c", matrix(c));
            s.set("b", matrix(b));
            s.set("d", array(d));
            s.set("pc", array(pc));
            s.set("ps", array(ps));
            s.set("a", array(a));
            s.put("gen", gen);
            s.put("eigen_gen", eigenGen);
            s.put("last_improvement", lastImprovement);
            putNumber(s, "run_best", runBest);
            s.put("gen_drawn", genDrawn);
            s.put("gen_told", genTold);
            ArrayNode pend = s.putArray("gen_pending");
            genPending.forEach(r -> pend.addArray().add(r.key()).add(r.gen()).add(r.index()));
            ArrayNode um = s.putArray("unmatched");
            unmatched.forEach(r -> um.addArray().add(r[0]).add(r[1]));
        }
        return s;
    }

    /**
     * Continues from {@link #state()}, after the engine re-observed the history (which counted the told trials and
     * kept their results for this): the current generation's candidates are drawn again from their streams, the
     * candidates of earlier generations that were pending when it began are queued first, and the generation's
     * results (the re-observed history from {@code gen_told} on, less the unmatched ones) are matched to them again
     * in the order told. A state written by an earlier version (1, which held the candidates themselves) restores too.
     */
    @Override
    public void restore(JsonNode s) {
        if (s.path("dimension").asInt(n) != n) {
            throw new IllegalArgumentException("cmaes state is for " + s.path("dimension").asInt()
                    + " coordinates, this space has " + n);
        }
        List<Told> history = List.copyOf(beforeStart);
        started = s.path("started").asBoolean(false);
        drawn = s.path("drawn").asLong(0);
        genId = s.path("gen_id").asInt(0);
        restarts = s.path("restarts").asInt(0);
        generations = s.path("generations").asLong(0);
        told = s.path("told").asInt(history.size());
        bestLoss = number(s.path("best"), Double.POSITIVE_INFINITY);
        warmLoss = number(s.path("warm_loss"), Double.POSITIVE_INFINITY);
        warmUnit = s.has("warm_unit") ? vector(s.get("warm_unit"), full) : null;
        restartLog.clear();
        s.path("restart_log").forEach(e -> restartLog.add(e.asText()));
        while (restartLog.size() > RESTART_LOG) {
            restartLog.remove(0);
        }
        pending.clear();
        cands.clear();
        observedOrder.clear();
        unmatched.clear();
        genPending = List.of();
        if (!started) {
            return; // the results told so far stay a warm start
        }
        beforeStart.clear();
        lambda = s.path("lambda").asInt();
        st = Strategy.of(n, lambda);
        sigma = s.path("sigma").asDouble();
        mean = vector(s.path("mean"), n);
        c = matrix(s.path("c"));
        b = matrix(s.path("b"));
        d = vector(s.path("d"), n);
        pc = vector(s.path("pc"), n);
        ps = vector(s.path("ps"), n);
        a = vector(s.path("a"), n);
        gen = s.path("gen").asInt();
        eigenGen = s.path("eigen_gen").asInt();
        lastImprovement = s.path("last_improvement").asInt();
        runBest = number(s.path("run_best"), Double.POSITIVE_INFINITY);
        if (s.path("version").asInt(1) == 1) {
            restoreGeneration1(s);
            return;
        }
        genDrawn = s.path("gen_drawn").asLong(drawn);
        genTold = s.path("gen_told").asInt(told);
        List<Ref> refs = new ArrayList<>();
        s.path("gen_pending").forEach(e -> refs.add(new Ref(e.get(0).asText(), e.get(1).asInt(), e.get(2).asInt())));
        genPending = List.copyOf(refs);
        genPending.forEach(this::addPending);
        for (long k = genDrawn; k < drawn; k++) {
            candidate(k);
        }
        s.path("unmatched").forEach(e -> unmatched.add(new int[]{e.get(0).asInt(), e.get(1).asInt()}));
        // the generation's results are the last told - gen_told of the history (aligned at its end, should it differ)
        int offset = history.size() - told;
        for (int p = genTold; p < told; p++) {
            int i = p + offset;
            if (i >= 0 && i < history.size() && !isUnmatched(p - genTold)) {
                match(history.get(i).key(), history.get(i).loss());
            }
        }
    }

    private boolean isUnmatched(int p) {
        for (int[] r : unmatched) {
            if (p >= r[0] && p <= r[1]) {
                return true;
            }
        }
        return false;
    }

    /** The current generation from a version-1 state, which held its candidates and all pending ones. */
    private void restoreGeneration1(JsonNode s) {
        for (JsonNode o : s.path("candidates")) {
            Candidate cd = new Candidate(vector(o.path("x"), n));
            cd.observed = o.path("observed").asBoolean();
            cd.loss = number(o.path("loss"), Double.NaN);
            cands.add(cd);
        }
        s.path("observed_order").forEach(e -> observedOrder.add(e.asInt()));
        List<Ref> refs = new ArrayList<>();
        s.path("pending").forEach(e -> refs.add(new Ref(e.get(0).asText(), e.get(1).asInt(), e.get(2).asInt())));
        refs.sort(Comparator.comparingInt(Ref::gen).thenComparingInt(Ref::index));
        refs.forEach(this::addPending);
        // as far as version 1 tells: no result of this generation went to an older candidate or matched none
        genDrawn = drawn - cands.size();
        genTold = told - observedOrder.size();
        genPending = refs.stream().filter(r -> r.gen() != genId).toList();
    }

    private static void putNumber(ObjectNode o, String key, double v) {
        if (Double.isFinite(v)) {
            o.put(key, v);
        } else {
            o.putNull(key); // ±∞ / NaN are not JSON; each field's reader knows what null stands for
        }
    }

    private static double number(JsonNode v, double ifNull) {
        return v == null || v.isNull() || v.isMissingNode() ? ifNull : v.asDouble();
    }

    private static ArrayNode array(double[] v) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (double x : v) {
            if (Double.isNaN(x)) {
                a.addNull();
            } else {
                a.add(x);
            }
        }
        return a;
    }

    private static ArrayNode matrix(double[][] m) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        for (double[] row : m) {
            a.add(array(row));
        }
        return a;
    }

    private double[] vector(JsonNode a, int len) {
        if (a.size() != len) {
            throw new IllegalArgumentException("cmaes state: expected a vector of " + len + " numbers, got " + a);
        }
        double[] v = new double[len];
        for (int i = 0; i < len; i++) {
            v[i] = a.get(i).isNull() ? Double.NaN : a.get(i).asDouble();
        }
        return v;
    }

    private double[][] matrix(JsonNode a) {
        if (a.size() != n) {
            throw new IllegalArgumentException("cmaes state: expected a " + n + "×" + n + " matrix");
        }
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = vector(a.get(i), n);
        }
        return m;
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "cmaes";
        }

        @Override
        public String description() {
            return "CMA-ES with IPOP restarts on the unit cube (mirrored bounds, margin for discrete parameters)";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new CmaEsOptimizer(context);
        }
    }
}
