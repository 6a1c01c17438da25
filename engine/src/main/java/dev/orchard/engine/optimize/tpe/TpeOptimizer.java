package dev.orchard.engine.optimize.tpe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Tree-structured Parzen Estimator, as Optuna's {@code TPESampler} (Optuna 3.x/4.x defaults). Names: {@code tpe}
 * (independent per parameter) and {@code tpe-mv} (joint kernels over all parameters, Optuna's
 * {@code multivariate=True}).
 *
 * <p>How a suggestion is made:
 * <ol>
 *   <li>Until {@code n_startup_trials} trials completed or were pruned: uniform random, exactly as the {@code random}
 *       optimizer (suggestion k draws from stream k of the seed).</li>
 *   <li>Otherwise the n completed and pruned trials are split: the best {@link #gamma(int) min(ceil(0.1 n), 25)} by loss
 *       ({@code direction.toLoss(value)}) are "below", the rest "above". Completed trials rank before pruned ones; pruned
 *       ones rank among themselves by their last value (Optuna ranks them by the step they reached first, which an
 *       {@link Observation} does not carry). Failed and stopped trials are in neither set, as in Optuna.</li>
 *   <li>With {@code constant_liar} (the default), configurations suggested but not yet observed, including earlier ones
 *       of the same batch, join "above", as Optuna's running trials do: new suggestions keep away from them.</li>
 *   <li>l(x) is fitted on "below", g(x) on "above" (observations in trial-number order, weighted by
 *       {@link ParzenEstimator#defaultWeights}); {@code n_ei_candidates} draws from l(x) are scored by
 *       log l(x) − log g(x) and the best is suggested.</li>
 * </ol>
 * Univariate TPE fits each parameter on the observations that contain it (an inactive conditional parameter is simply
 * absent). Multivariate TPE fits jointly the parameters present in every completed or pruned trial (Optuna's
 * intersection search space) and samples any other parameter independently, with the multivariate bandwidth rule as
 * Optuna does. Single-valued parameters are fixed and not modelled.
 *
 * <p>State: the number of suggestions made and the suggested-but-unobserved configurations (the running trials, so
 * bounded by the parallelism), never the observations: the engine re-observes the history it told before
 * {@link #restore} (the {@link Optimizer} contract), so storing it again would make every checkpoint grow with the
 * trials. Observations are keyed by trial number (a trial observed again replaces its earlier observation). An
 * observation releases the first pending suggestion with the same parameters (the engine passes the suggested map
 * back unchanged).
 */
public final class TpeOptimizer implements Optimizer {

    private final SearchSpace space;
    private final Direction direction;
    private final long seed;
    private final TpeConfig config;
    private final Dim[] dims;

    /** Completed and pruned trials by number; a trial observed again replaces its earlier observation. */
    private final Map<Integer, Obs> observed = new HashMap<>();
    private final List<Pending> pending = new ArrayList<>();
    private long suggested;

    /** Below/above split of the observations; rebuilt after an observation arrives. */
    private Split split;

    /** A completed or pruned trial. */
    private record Obs(int trial, double[] x, boolean pruned, double loss) {
    }

    private record Pending(double[] x, Map<String, Object> config) {
    }

    /** Observations, each set in trial-number order. */
    private record Split(List<double[]> below, List<double[]> above, List<double[]> all) {
    }

    public TpeOptimizer(OptimizerContext context, String name) {
        this(context, TpeConfig.parse(context.config(), name));
    }

    public TpeOptimizer(OptimizerContext context, TpeConfig config) {
        this.space = context.space();
        this.direction = context.direction();
        this.seed = context.seed();
        this.config = config;
        this.dims = new Dim[space.dimension()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = Dim.of(i, space.params().get(i));
        }
    }

    public TpeConfig config() {
        return config;
    }

    /** Optuna's {@code default_gamma}: how many of n completed/pruned trials form l(x). */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            SplittableRandom rng = Seeds.stream(seed, suggested);
            Map<String, Object> c = observed.size() < config.nStartupTrials() ? random(rng) : tpe(rng);
            suggested++;
            pending.add(new Pending(parse(c), c));
            out.add(c);
        }
        return out;
    }

    private Map<String, Object> random(SplittableRandom rng) {
        double[] u = new double[dims.length];
        for (int d = 0; d < u.length; d++) {
            u[d] = rng.nextDouble();
        }
        return space.fromUnit(u);
    }

    private Map<String, Object> tpe(SplittableRandom rng) {
        if (split == null) {
            split = split();
        }
        List<double[]> above = split.above;
        if (config.constantLiar() && !pending.isEmpty()) {
            above = new ArrayList<>(above);
            for (Pending p : pending) {
                above.add(p.x);
            }
        }
        double[] x = new double[dims.length];
        boolean[] done = new boolean[dims.length];
        for (Dim d : dims) {
            if (d.single()) {
                x[d.index()] = d.low();
                done[d.index()] = true;
            }
        }
        if (config.multivariate()) {
            // Optuna's intersection search space: the parameters every completed or pruned trial has
            List<Dim> joint = new ArrayList<>();
            for (Dim d : dims) {
                if (!done[d.index()] && presentInAll(split.all, d.index())) {
                    joint.add(d);
                }
            }
            if (!joint.isEmpty()) {
                double[] best = sampleBest(joint.toArray(new Dim[0]), split.below, above, rng);
                for (int j = 0; j < joint.size(); j++) {
                    x[joint.get(j).index()] = best[j];
                    done[joint.get(j).index()] = true;
                }
            }
        }
        for (Dim d : dims) {
            if (!done[d.index()]) {
                x[d.index()] = sampleBest(new Dim[]{d}, split.below, above, rng)[0];
            }
        }
        double[] u = new double[dims.length];
        for (Dim d : dims) {
            u[d.index()] = d.toUnit(x[d.index()]);
        }
        return space.fromUnit(u);
    }

    private static boolean presentInAll(List<double[]> rows, int d) {
        for (double[] r : rows) {
            if (Double.isNaN(r[d])) {
                return false;
            }
        }
        return true;
    }

    /** Fits l and g on the rows that have every one of {@code ds}, draws candidates from l, returns the best. */
    private double[] sampleBest(Dim[] ds, List<double[]> below, List<double[]> above, SplittableRandom rng) {
        var settings = new ParzenEstimator.Settings(config.priorWeight(), config.considerMagicClip(),
                config.considerEndpoints(), config.multivariate());
        ParzenEstimator l = estimator(ds, below, settings);
        ParzenEstimator g = estimator(ds, above, settings);
        double[][] candidates = l.sample(rng, config.nEiCandidates());
        double[] ll = l.logPdf(candidates);
        double[] lg = g.logPdf(candidates);
        int best = 0;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < candidates.length; c++) {
            double score = ll[c] - lg[c];
            if (score > bestScore) { // first maximum, as numpy.argmax; NaN never wins
                bestScore = score;
                best = c;
            }
        }
        return candidates[best];
    }

    private static ParzenEstimator estimator(Dim[] ds, List<double[]> rows, ParzenEstimator.Settings settings) {
        double[][] cols = new double[ds.length][rows.size()];
        int n = 0;
        for (double[] r : rows) {
            boolean all = true;
            for (Dim d : ds) {
                if (Double.isNaN(r[d.index()])) {
                    all = false;
                    break;
                }
            }
            if (!all) {
                continue;
            }
            for (int j = 0; j < ds.length; j++) {
                cols[j][n] = r[ds[j].index()];
            }
            n++;
        }
        return new ParzenEstimator(ds, cols, n, null, settings);
    }

    /** Optuna's {@code _split_trials} for one objective, without constraints; running trials are added by the caller. */
    private Split split() {
        List<Obs> completed = new ArrayList<>();
        List<Obs> pruned = new ArrayList<>();
        for (Obs o : observed.values()) {
            (o.pruned ? pruned : completed).add(o);
        }
        List<Obs> below = splitBelow(completed, pruned);
        var inBelow = new java.util.HashSet<Integer>();
        for (Obs o : below) {
            inBelow.add(o.trial);
        }
        List<Obs> above = new ArrayList<>();
        for (Obs o : observed.values()) {
            if (!inBelow.contains(o.trial)) {
                above.add(o);
            }
        }
        below.sort(BY_TRIAL);
        above.sort(BY_TRIAL);
        return new Split(rows(below), rows(above), rows(new ArrayList<>(observed.values())));
    }

    private static final Comparator<Obs> BY_TRIAL = Comparator.comparingInt(Obs::trial);
    private static final Comparator<Obs> BY_LOSS = Comparator.comparingDouble(Obs::loss).thenComparing(BY_TRIAL);

    /**
     * The best {@link #gamma} of the completed and pruned trials: completed ones first (by loss), then pruned ones (by
     * their last value's loss) if the completed ones do not fill the quota. Sorts the lists it is given.
     */
    private static List<Obs> splitBelow(List<Obs> completed, List<Obs> pruned) {
        completed.sort(BY_LOSS);
        pruned.sort(BY_LOSS);
        int nBelow = gamma(completed.size() + pruned.size());
        int fromCompleted = Math.min(nBelow, completed.size());
        int fromPruned = Math.min(nBelow - fromCompleted, pruned.size());
        List<Obs> below = new ArrayList<>(completed.subList(0, fromCompleted));
        below.addAll(pruned.subList(0, fromPruned));
        return below;
    }

    /** Trial numbers of the current "below" set, in trial order (for tests). */
    List<Integer> belowTrials() {
        List<Obs> completed = new ArrayList<>();
        List<Obs> pruned = new ArrayList<>();
        for (Obs o : observed.values()) {
            (o.pruned ? pruned : completed).add(o);
        }
        return splitBelow(completed, pruned).stream().map(Obs::trial).sorted().toList();
    }

    private static List<double[]> rows(List<Obs> obs) {
        var out = new ArrayList<double[]>(obs.size());
        for (Obs o : obs) {
            out.add(o.x);
        }
        return out;
    }

    /** Internal values of a configuration (NaN for an absent parameter); throws for a value out of its parameter. */
    private double[] parse(Map<String, ?> params) {
        double[] x = new double[dims.length];
        for (Dim d : dims) {
            Object v = params.get(d.name());
            x[d.index()] = v == null ? Double.NaN : d.parse(v);
        }
        return x;
    }

    @Override
    public void observe(Observation o) {
        double[] x = parse(o.params()); // validates before anything changes
        for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
            if (Arrays.equals(it.next().x, x)) {
                it.remove();
                break;
            }
        }
        Obs old = observed.remove(o.trial());
        boolean counts = (o.state() == TrialState.COMPLETED || o.state() == TrialState.PRUNED) && o.value().isPresent();
        if (counts) {
            observed.put(o.trial(), new Obs(o.trial(), x, o.state() == TrialState.PRUNED, direction.toLoss(o.value().getAsDouble())));
        }
        if (counts || old != null) {
            split = null;
        }
    }

    @Override
    public JsonNode state() {
        ObjectNode s = JsonNodeFactory.instance.objectNode();
        s.put("suggested", suggested);
        ArrayNode p = s.putArray("pending");
        for (Pending q : pending) {
            ObjectNode c = p.addObject();
            q.config.forEach((k, v) -> c.set(k, json(v)));
        }
        return s;
    }

    private static JsonNode json(Object v) {
        var f = JsonNodeFactory.instance;
        if (v instanceof String s) {
            return f.textNode(s);
        }
        if (v instanceof Boolean b) {
            return f.booleanNode(b);
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return f.numberNode(((Number) v).longValue()); // one node type, as restore() reads it back
        }
        if (v instanceof Number n) {
            return f.numberNode(n.doubleValue());
        }
        return f.textNode(String.valueOf(v));
    }

    /**
     * Continues from {@link #state()}, after the history was re-observed. An {@code observations} list in a state
     * written by an earlier version is ignored: the re-observed history holds the same trials.
     */
    @Override
    public void restore(JsonNode state) {
        List<Pending> p = new ArrayList<>();
        for (JsonNode c : state.path("pending")) {
            Map<String, Object> config = config(c);
            try {
                p.add(new Pending(parse(config), config));
            } catch (IllegalArgumentException e) {
                // a running trial of another space version: it only steered the constant liar, so resume without it
            }
        }
        suggested = state.path("suggested").asLong(0);
        pending.clear();
        pending.addAll(p);
        split = null;
    }

    private static Map<String, Object> config(JsonNode c) {
        Map<String, Object> config = new LinkedHashMap<>();
        c.fields().forEachRemaining(e -> config.put(e.getKey(), value(e.getValue())));
        return Collections.unmodifiableMap(config);
    }

    private static Object value(JsonNode n) {
        if (n.isTextual()) {
            return n.asText();
        }
        if (n.isBoolean()) {
            return n.asBoolean();
        }
        if (n.isIntegralNumber()) {
            return n.asLong();
        }
        return n.asDouble();
    }

    /** {@code tpe}: univariate TPE. */
    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "tpe";
        }

        @Override
        public String description() {
            return "Tree-structured Parzen Estimator (Optuna's defaults), one density per parameter";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new TpeOptimizer(context, name());
        }
    }

    /** {@code tpe-mv}: multivariate TPE. */
    public static final class MultivariateProvider implements OptimizerProvider {
        @Override
        public String name() {
            return "tpe-mv";
        }

        @Override
        public String description() {
            return "multivariate Tree-structured Parzen Estimator: joint kernels over all parameters";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new TpeOptimizer(context, name());
        }
    }
}
