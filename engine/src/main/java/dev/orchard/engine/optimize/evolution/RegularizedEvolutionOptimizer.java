package dev.orchard.engine.optimize.evolution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.optimize.OptimizerContext;
import dev.orchard.engine.optimize.OptimizerProvider;
import dev.orchard.engine.optimize.RandomOptimizer;
import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.optimize.SobolOptimizer;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.IntParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Regularized ("aging") evolution, Real et al., "Regularized Evolution for Image Classifier Architecture Search",
 * AAAI 2019, in ask/tell form.
 *
 * <ul>
 *   <li>The first {@code population} suggestions are an Owen-scrambled Sobol design (as {@link SobolOptimizer} with
 *       the same seed), and so is every suggestion made while no result has come back yet.</li>
 *   <li>After that each suggestion is a child: {@code sample} members are drawn at random from the population
 *       (without replacement), the best of them is the parent (tournament selection), and the child is the parent
 *       with {@code mutations} of its active, non-constant parameters changed: a continuous parameter by a Gaussian
 *       step of {@code mutation_sigma} in the unit cube (mirrored at the faces; log parameters step in log space); an
 *       int or numeric choice the same way, but always to another value (a neighbour when the steps keep missing);
 *       a string or boolean choice to another of its values, uniformly. A parameter that the mutation makes active
 *       gets a uniformly random value.</li>
 *   <li>A result joins the population when it comes back (suggested, pending children are not members); when the
 *       population then holds more than {@code population} members the oldest (the one that joined first) dies,
 *       whatever its value. Failed trials, and stopped trials without a value, never join. Results of trials this
 *       optimizer did not suggest (a warm start) join the same way.</li>
 * </ul>
 *
 * <p>Settings: {@code population} (default 20, ≥ 2), {@code sample} (default 5, 1..population), {@code mutations}
 * (default 1), {@code mutation_sigma} (default 0.15, in (0, 1]).
 *
 * <p>Seeds: child {@code k} draws from its own stream {@code (seed, k)}, so suggestions depend only on the seed and the
 * results told before them. The state holds the two counters only: the population is the last {@code population}
 * results of the history, which the engine re-observes before {@link #restore} (the {@link Optimizer} contract), so
 * it is rebuilt exactly and the state does not grow with the trials. The observed trial numbers make a trial told
 * twice count once.
 */
public final class RegularizedEvolutionOptimizer implements Optimizer {
    static final Set<String> KEYS = Set.of("population", "sample", "mutations", "mutation_sigma");
    private static final long STREAM_SALT = 0x65766f6c7574696fL; // "evolutio"

    private record Member(int trial, double[] unit, double loss) {
    }

    private final SearchSpace space;
    private final Direction direction;
    private final long childSeed;
    private final int populationLimit;
    private final int sampleSize;
    private final int mutations;
    private final double mutationSigma;
    private final Optimizer initial;

    private final ArrayDeque<Member> population = new ArrayDeque<>(); // oldest first
    private final TrialSet seen = new TrialSet();
    private long initialDrawn;
    private long children;

    public RegularizedEvolutionOptimizer(OptimizerContext context) {
        this.space = context.space();
        this.direction = context.direction();
        this.childSeed = Seeds.mix(context.seed() ^ STREAM_SALT);
        JsonNode config = context.config();
        if (!config.isObject()) {
            throw new IllegalArgumentException("evolution: settings must be a JSON object, got " + config);
        }
        for (Iterator<String> it = config.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown evolution setting '" + key + "'; valid settings: "
                        + String.join(", ", KEYS.stream().sorted().toList()));
            }
        }
        this.populationLimit = integer(config, "population", 20, 2, Integer.MAX_VALUE);
        this.sampleSize = integer(config, "sample", Math.min(5, populationLimit), 1, populationLimit);
        this.mutations = integer(config, "mutations", 1, 1, Integer.MAX_VALUE);
        JsonNode s = config.get("mutation_sigma");
        if (s != null && (!s.isNumber() || !(s.asDouble() > 0) || s.asDouble() > 1)) {
            throw new IllegalArgumentException("evolution setting 'mutation_sigma' must be a number in (0, 1], got " + s);
        }
        this.mutationSigma = s == null ? 0.15 : s.asDouble();
        var plain = new OptimizerContext(space, direction, context.seed());
        this.initial = space.dimension() <= 1000 ? new SobolOptimizer(plain) : new RandomOptimizer(plain);
    }

    private static int integer(JsonNode config, String key, int dflt, int min, int max) {
        JsonNode v = config.get(key);
        if (v == null) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min || v.asInt() > max) {
            throw new IllegalArgumentException("evolution setting '" + key + "' must be an integer in [" + min + ", "
                    + (max == Integer.MAX_VALUE ? "∞" : max) + "], got " + v);
        }
        return v.asInt();
    }

    /** Current population size (at most the {@code population} setting). */
    public int populationSize() {
        return population.size();
    }

    /** Trial numbers of the current members, oldest first. */
    public List<Integer> populationTrials() {
        return population.stream().map(Member::trial).toList();
    }

    @Override
    public List<Map<String, Object>> suggest(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("suggest needs n >= 1, got " + n);
        }
        var out = new ArrayList<Map<String, Object>>(n);
        for (int i = 0; i < n; i++) {
            if (initialDrawn < populationLimit || population.isEmpty()) {
                initialDrawn++;
                out.add(initial.suggest(1).get(0));
            } else {
                out.add(space.fromUnit(child(Seeds.stream(childSeed, children++))));
            }
        }
        return out;
    }

    private double[] child(SplittableRandom rng) {
        List<Member> members = new ArrayList<>(population);
        int k = Math.min(sampleSize, members.size());
        Member parent = null;
        for (int i = 0; i < k; i++) { // partial Fisher-Yates: k distinct members
            int j = i + rng.nextInt(members.size() - i);
            Member m = members.get(j);
            members.set(j, members.get(i));
            members.set(i, m);
            if (parent == null || m.loss() < parent.loss()) {
                parent = m;
            }
        }
        double[] u = parent.unit().clone();
        var mutable = new ArrayList<Integer>();
        for (int d = 0; d < u.length; d++) {
            if (!Double.isNaN(u[d]) && space.params().get(d).cardinality() > 1) {
                mutable.add(d);
            }
        }
        int m = Math.min(mutations, mutable.size());
        for (int i = 0; i < m; i++) {
            int j = i + rng.nextInt(mutable.size() - i);
            int d = mutable.get(j);
            mutable.set(j, mutable.get(i));
            mutable.set(i, d);
            u[d] = mutate(space.params().get(d), u[d], rng);
        }
        for (int d = 0; d < u.length; d++) {
            if (Double.isNaN(u[d])) { // inactive in the parent: a value in case the mutation activates it
                u[d] = rng.nextDouble();
            }
        }
        return u;
    }

    private double mutate(Param p, double u, SplittableRandom rng) {
        if (p instanceof ChoiceParam c && !c.numeric()) {
            int size = c.values().size();
            int cur = c.indexOf(c.fromUnit(u));
            int other = rng.nextInt(size - 1);
            return (other + (other >= cur ? 1 : 0) + 0.5) / size;
        }
        if (p instanceof ChoiceParam || p instanceof IntParam) {
            Object before = p.fromUnit(u);
            for (int tries = 0; tries < 8; tries++) {
                double v = reflect(u + mutationSigma * gaussian(rng));
                if (!same(p.fromUnit(v), before)) {
                    return v;
                }
            }
            return neighbour(p, before, rng.nextBoolean());
        }
        return reflect(u + mutationSigma * gaussian(rng));
    }

    /** The unit position of the value next to {@code value} (up or down; the other way at an end). */
    private static double neighbour(Param p, Object value, boolean up) {
        if (p instanceof ChoiceParam c) {
            int size = c.values().size();
            int i = c.indexOf(value);
            int j = up ? (i + 1 < size ? i + 1 : i - 1) : (i > 0 ? i - 1 : i + 1);
            return (j + 0.5) / size;
        }
        IntParam ip = (IntParam) p;
        long v = ((Number) value).longValue();
        long w = up ? (v < ip.high() ? v + 1 : v - 1) : (v > ip.low() ? v - 1 : v + 1);
        return ip.toUnit(w);
    }

    private static boolean same(Object a, Object b) {
        return a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue() : a.equals(b);
    }

    /** Mirrors a coordinate into [0, 1] (periodically, so any step lands inside). */
    static double reflect(double x) {
        double t = x % 2.0;
        if (t < 0) {
            t += 2.0;
        }
        return t > 1.0 ? 2.0 - t : t;
    }

    static double gaussian(SplittableRandom rng) {
        double u1 = 1.0 - rng.nextDouble(); // (0, 1]
        double u2 = rng.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }

    @Override
    public void observe(Observation observation) {
        double[] u = space.toUnit(observation.params()); // throws for a configuration outside the space
        if (!seen.add(observation.trial())) {
            return; // already told (a history re-observed after restore)
        }
        if (observation.value().isEmpty()) {
            return; // failed (or stopped without a value): never a member
        }
        population.addLast(new Member(observation.trial(), u, direction.toLoss(observation.value().getAsDouble())));
        while (population.size() > populationLimit) {
            population.removeFirst(); // aging: the oldest dies
        }
    }

    @Override
    public JsonNode state() {
        return JsonNodeFactory.instance.objectNode().put("initial", initialDrawn).put("children", children);
    }

    /**
     * Continues from {@link #state()}, after the history was re-observed (which rebuilt the population). The
     * {@code population} and {@code observed} of a state written by an earlier version are ignored: the re-observed
     * history gives the same.
     */
    @Override
    public void restore(JsonNode state) {
        initialDrawn = state.path("initial").asLong(0);
        children = state.path("children").asLong(0);
        initial.restore(JsonNodeFactory.instance.objectNode().put("index", initialDrawn).put("drawn", initialDrawn));
    }

    public static final class Provider implements OptimizerProvider {
        @Override
        public String name() {
            return "evolution";
        }

        @Override
        public String description() {
            return "regularized (aging) evolution: tournament selection, one-parameter mutations, oldest member dies";
        }

        @Override
        public Optimizer create(OptimizerContext context) {
            return new RegularizedEvolutionOptimizer(context);
        }
    }
}
