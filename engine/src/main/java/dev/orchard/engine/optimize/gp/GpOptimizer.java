package dev.orchard.engine.optimize.gp;

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
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Gaussian-process Bayesian optimisation (see the package documentation for the model and its choices).
 *
 * <p>Life of a suggestion: while fewer than {@code n_startup_trials} trials have a value, the next point of a scrambled
 * Sobol design with the same seed. Then: losses are warped and standardised; hyperparameters are refitted when the
 * schedule says so; the posterior on the completed trials is conditioned on failed trials (at the worst target) and on
 * every suggested-but-unobserved point (at its posterior mean: Kriging believer); the acquisition is maximised; the
 * chosen point joins the pending points, so the next point of a batch, or of a later call, is chosen with it believed.
 *
 * <p>Observations: completed and pruned trials (any with a value) are data; failed trials are avoided through their
 * fantasy; a stopped trial without a value only stops being pending. An observation matching a pending point (same
 * configuration) removes it from the pending points.
 *
 * <p>State: counters, the pending points, the last fitted hyperparameters and the data size they were fitted at. The
 * data themselves are rebuilt by re-observing the history, after which {@code restore} continues exactly.
 */
public final class GpOptimizer implements Optimizer {
    /** Up to this many data points the hyperparameters are refitted whenever the data changed. */
    static final int REFIT_ALWAYS_UP_TO = 100;
    /** Beyond {@link #REFIT_ALWAYS_UP_TO}, refit after this fraction of new points (at least one). */
    static final int REFIT_FRACTION = 20;
    /** Hyperparameters are fitted on at most this many points (a seeded random subset beyond). */
    static final int FIT_SUBSET = 300;
    /** At most this many pending points are believed (the most recent). */
    static final int MAX_PENDING = 256;
    /** Suggestions keep at least this scaled distance (in length-scales) from pending points where they can. */
    static final double MIN_SEPARATION = 0.05;
    private static final long FIT_SALT = 0x6770_6669_7400_0001L;
    private static final long SUGGEST_SALT = 0x6770_7375_6700_0002L;

    private final SearchSpace space;
    private final Direction direction;
    private final long seed;
    private final GpSettings settings;
    private final Encoding encoding;
    private final boolean[] categorical;
    private final SobolOptimizer sobol;
    private final AcquisitionOptimizer acquisitionOptimizer;

    private final List<double[]> xs = new ArrayList<>();
    /** Points already evaluated (successfully or not), as {@link #key}s: passed over unless repeats are allowed. */
    private final java.util.Set<String> evaluated = new java.util.HashSet<>();
    private final List<Double> losses = new ArrayList<>();
    private final List<double[]> failed = new ArrayList<>();
    private final List<double[]> pending = new ArrayList<>();
    private long suggested;
    private double[] theta;
    private int fitSize = -1;

    // caches, rebuilt deterministically from the above
    private double[] targets;
    private GaussianProcess base;
    private GaussianProcess believed;
    private double believedBest;

    public GpOptimizer(OptimizerContext context) {
        this.space = context.space();
        this.direction = context.direction();
        this.seed = context.seed();
        this.settings = GpSettings.from(context.config(), space.dimension());
        this.encoding = new Encoding(space);
        this.categorical = encoding.categorical();
        this.sobol = new SobolOptimizer(new OptimizerContext(space, direction, seed));
        this.acquisitionOptimizer = new AcquisitionOptimizer(encoding);
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            double[] x;
            if (xs.size() < settings.startupTrials()) {
                x = encoding.encode(sobol.suggest(1).get(0));
                addPending(x);
                believed = null;
            } else {
                x = modelSuggestion(Seeds.stream(seed ^ SUGGEST_SALT, suggested));
            }
            suggested++;
            out.add(encoding.decode(x));
        }
        return out;
    }

    private double[] modelSuggestion(SplittableRandom rng) {
        try {
            GaussianProcess gp = believed();
            Acquisition acq = settings.ucb() ? new Acquisition.UpperConfidenceBound(settings.beta())
                    : new Acquisition.LogExpectedImprovement(believedBest);
            double[] x = acquisitionOptimizer.maximize(gp, acq, incumbents(), rng, settings.candidates(),
                    settings.restarts(), c -> nearPending(gp.kernel(), c) || (!settings.repeats() && evaluated.contains(key(c))));
            double mu = gp.mean(x);
            if (addPending(x)) {
                believed = gp.condition(x, mu);
                believedBest = Math.min(believedBest, mu);
            } else {
                believed = null; // the oldest pending point was dropped: rebuild next time
            }
            return x;
        } catch (Cholesky.NumericalFailure e) {
            // the covariance cannot be factored even with jitter: sample instead of failing the sweep
            double[] x = encoding.canonical(encoding.random(rng));
            addPending(x);
            believed = null;
            return x;
        }
    }

    /** Adds a pending point; false when the oldest one had to go to keep at most {@link #MAX_PENDING}. */
    private boolean addPending(double[] x) {
        pending.add(x);
        if (pending.size() > MAX_PENDING) {
            pending.remove(0);
            return false;
        }
        return true;
    }

    /**
     * True when {@code x} lies within {@link #MIN_SEPARATION} length-scales of a pending point: so strongly correlated
     * with it (correlation above 0.995) that evaluating both would tell little more than one. Kriging believer alone
     * lets a batch pile up on one spot when the acquisition elsewhere is tiny; such points are passed over for the
     * next best one.
     */
    private boolean nearPending(Matern52 kernel, double[] x) {
        for (double[] p : pending) {
            if (kernel.r2(x, p) < MIN_SEPARATION * MIN_SEPARATION) {
                return true;
            }
        }
        return false;
    }

    /** A point's identity; candidates are canonical (discrete values on their levels), so repeats compare equal. */
    private static String key(double[] x) {
        return Arrays.toString(x);
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

    /** The posterior on the data, conditioned on failed points (worst target) and pending points (believed means). */
    private GaussianProcess believed() {
        if (believed != null) {
            return believed;
        }
        GaussianProcess gp = base();
        double worst = Double.NEGATIVE_INFINITY, best = Double.POSITIVE_INFINITY;
        for (double t : targets) {
            worst = Math.max(worst, t);
            best = Math.min(best, t);
        }
        for (double[] f : failed) {
            gp = gp.condition(f, worst);
        }
        for (double[] p : pending) {
            double mu = gp.mean(p);
            gp = gp.condition(p, mu);
            best = Math.min(best, mu);
        }
        believed = gp;
        believedBest = best;
        return gp;
    }

    private GaussianProcess base() {
        if (base != null) {
            return base;
        }
        int n = xs.size();
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            loss[i] = losses.get(i);
        }
        targets = settings.warp().apply(loss);
        double[][] x = xs.toArray(new double[0][]);
        if (needsFit(n)) {
            theta = fit(x, targets, n);
            fitSize = n;
        }
        base = GaussianProcess.create(x, targets, categorical, theta);
        return base;
    }

    /** The refit schedule: whenever the data changed up to {@value #REFIT_ALWAYS_UP_TO} points, then every n/20. */
    boolean needsFit(int n) {
        if (theta == null) {
            return true;
        }
        if (n == fitSize) {
            return false;
        }
        return n <= REFIT_ALWAYS_UP_TO || n - fitSize >= Math.max(1, n / REFIT_FRACTION) || n < fitSize;
    }

    private double[] fit(double[][] x, double[] y, int n) {
        SplittableRandom rng = Seeds.stream(seed ^ FIT_SALT, n);
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
        double[] t = HyperparameterFit.fit(fx, fy, categorical, theta, starts, rng);
        return Hyperparameters.clamp(t, categorical.length);
    }

    /** The best few observed points, around which some candidates are drawn. */
    private List<double[]> incumbents() {
        Integer[] order = new Integer[xs.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> losses.get(i)).thenComparingInt(i -> i));
        List<double[]> out = new ArrayList<>();
        for (int i = 0; i < Math.min(5, order.length); i++) {
            out.add(xs.get(order[i]));
        }
        return out;
    }

    @Override
    public void observe(Observation observation) {
        double[] x = encoding.encode(observation.params());
        int p = indexOf(pending, x);
        if (p >= 0) {
            pending.remove(p);
        }
        evaluated.add(key(x));
        if (observation.state() == TrialState.FAILED) {
            failed.add(x);
        } else if (observation.value().isPresent()) {
            xs.add(x);
            losses.add(direction.toLoss(observation.value().getAsDouble()));
            base = null;
        }
        believed = null;
    }

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
        if (theta != null) {
            ArrayNode t = s.putArray("theta");
            for (double v : theta) {
                t.add(v);
            }
            s.put("fit_size", fitSize);
        }
        return s;
    }

    @Override
    public void restore(JsonNode state) {
        int d = categorical.length;
        List<double[]> pend = new ArrayList<>();
        for (JsonNode a : state.path("pending")) {
            pend.add(doubles(a, d, "pending"));
        }
        JsonNode t = state.path("theta");
        double[] th = t.isArray() ? doubles(t, Hyperparameters.size(d), "theta") : null;
        suggested = state.path("suggested").asLong(0);
        sobol.restore(state.path("sobol"));
        pending.clear();
        pending.addAll(pend);
        theta = th;
        fitSize = th == null ? -1 : state.path("fit_size").asInt(-1);
        base = null;
        believed = null;
    }

    private static double[] doubles(JsonNode a, int length, String what) {
        if (!a.isArray() || a.size() != length) {
            throw new IllegalArgumentException("gp state: '" + what + "' needs arrays of " + length + " numbers, got " + a);
        }
        double[] x = new double[length];
        for (int i = 0; i < length; i++) {
            if (!a.get(i).isNumber()) {
                throw new IllegalArgumentException("gp state: '" + what + "' holds a non-number: " + a);
            }
            x[i] = a.get(i).asDouble();
        }
        return x;
    }

    /** The {@code gp} optimizer. */
    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "gp";
        }

        @Override
        public String description() {
            return "Gaussian-process Bayesian optimisation (Matérn-5/2 ARD, log-EI or UCB, Kriging-believer batches)";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new GpOptimizer(context);
        }
    }
}
