package dev.orchard.engine.curriculum;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.orchard.engine.json.Json;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The learning-progress curriculum (DESIGN.md idea 3). Scores are measured against the task's random baseline B:
 * y = max(s − B, 0)/(1 − B). Two estimators of learning progress (option {@code estimator}):
 * <ul>
 * <li>{@code window} (default): the last m = min(n, W) scores of a task (W = {@code window}, 30; was 20), oldest first, and the
 * least-squares slope β̂ of y against their order, shrunk by z = {@code noise} (1) standard errors (residual variance
 * with m − 2 degrees of freedom): d = W·max(0, |β̂| − z·se). Success is bounded, so LP = min(d, room), room = 1 − ŷ_end
 * when rising and ŷ_end when falling, ŷ_end the fitted level at the window's end clipped to [0, 1]: a task that has just
 * been mastered has no progress left, however steep its window (the EMA rule kept its LP until the slow EMA caught
 * up). "Unset" is m < 3: LP 0, and the exploration bonus carries the task. Exploration bonus
 * β·L_max·h_i·g_i/(g_i + P): L_max the largest LP in the pool (1 when none), so the bonus is in the units of the scores
 * it competes with; h_i = 1 − ȳ_i the room left to learn (1 for a task never updated), so constant tasks at success
 * ≈ 1 (trivial, mastered) get no bonus and pure-noise tasks half; g_i updates since the task was last updated, P the pool
 * size, so a task nobody looked at for long comes back. An update costs O(W + log N).</li>
 * <li>{@code ema} (the earlier default rule; also its defaults noise 2, temperature 1): fast and slow EMAs (rates
 * {@code fast}, {@code slow}), bias-corrected like Adam's moments: m ← (1−α)m + α·x, estimate m/(1−(1−α)^n), so a task is
 * "unset" exactly while its count n is 0; LP = |p_fast − p_slow| less z noise SDs; bonus β·L̄·√(ln(1 + N)/(1 + n_i)), L̄
 * the pool's mean LP, N all updates.</li>
 * </ul>
 * Both EMAs are kept either way (they are in the stats). Sampling: score_i = LP_i + bonus_i, z-scored over the pool (all
 * equal → all 0), then turned into probabilities by a softmax exp(z/temperature) (temperature 0.5) or, with
 * {@code transform: sigmoid}, σ(z/temperature) normalised.
 * <p>Pool and eviction (with a generator): while the pool has fewer than {@code pool_size} tasks a sample is a new task;
 * once full, each sample evicts, with probability {@code eviction_rate}, the task of lowest LP among those with at least
 * {@code min_presentations} updates and replaces it by a new one. Those candidates sit in a tree ordered by (LP, task
 * number), so an eviction costs O(log N) and an update O(W + log N); a sample costs O(N) over the pool (the z-score
 * needs every score). A fixed task list is the whole pool and nothing is evicted.
 * <p>{@code reference: true} reproduces the reference code's faults, for the benchmark: EMAs with 0.0 as "unset" (a
 * task at 0 restarts its EMAs on every update), a reweighting p(1−s)/(p + s(1−2p)) with its pole at 47 % success
 * applied to both EMAs, and an absolute 0.1 added to the probabilities of tasks with fewer than
 * {@code min_presentations} updates. (Its eviction gave the same choice through an O(N²) scan; here it uses the tree.)
 */
public final class LearningProgress implements Curriculum {
    public static final String ALGORITHM = "learning_progress";
    /** Reference reweighting's smoothing: its pole p = s/(2s − 1) lies at 0.47. */
    static final double REFERENCE_SMOOTHING = -47.0 / 6.0;

    public enum Transform {
        SOFTMAX, SIGMOID;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Transform parse(String s) {
            return dev.orchard.engine.json.Json.enumValue(Transform.class, s, "transform");
        }
    }

    /** How learning progress is estimated (and which exploration bonus goes with it); see the class comment. */
    public enum Estimator {
        WINDOW, EMA;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public static Estimator parse(String s) {
            return dev.orchard.engine.json.Json.enumValue(Estimator.class, s, "estimator");
        }
    }

    public record Options(double fast, double slow, double noise, double exploration, double temperature, Transform transform,
                          int poolSize, long minPresentations, double evictionRate, long epochSize, boolean reference,
                          Estimator estimator, int window) {
        public static final Options DEFAULTS = new Options(0.2, 0.05, 1.0, 1.0, 0.5, Transform.SOFTMAX, 64, 20, 0.02, 1000, false,
                Estimator.WINDOW, 30);
        /** The window rule's earlier default, a window of 20 ({@code "window": 20}); everything else as {@link #DEFAULTS}. */
        public static final Options WINDOW_20 = new Options(0.2, 0.05, 1.0, 1.0, 0.5, Transform.SOFTMAX, 64, 20, 0.02, 1000, false,
                Estimator.WINDOW, 20);
        /** The rule that was the default before the window estimator: EMAs, the count bonus, noise 2, temperature 1. */
        public static final Options EMA_RULE = new Options(0.2, 0.05, 2.0, 1.0, 1.0, Transform.SOFTMAX, 64, 20, 0.02, 1000, false,
                Estimator.EMA, 20);

        /** The default estimator and window with the other options given. */
        public Options(double fast, double slow, double noise, double exploration, double temperature, Transform transform,
                       int poolSize, long minPresentations, double evictionRate, long epochSize, boolean reference) {
            this(fast, slow, noise, exploration, temperature, transform, poolSize, minPresentations, evictionRate, epochSize,
                    reference, DEFAULTS.estimator(), DEFAULTS.window());
        }

        public Options {
            if (!(fast > 0 && fast <= 1) || !(slow > 0 && slow <= 1)) {
                throw new CurriculumException("fast and slow must be in (0, 1], got " + fast + " and " + slow);
            }
            if (!(slow < fast)) {
                throw new CurriculumException("slow must be smaller than fast (the slow EMA forgets more slowly), got slow " + slow + ", fast " + fast);
            }
            if (!(noise >= 0) || Double.isInfinite(noise)) {
                throw new CurriculumException("noise must be a finite number >= 0, got " + noise);
            }
            if (!(exploration >= 0) || Double.isInfinite(exploration)) {
                throw new CurriculumException("exploration must be a finite number >= 0, got " + exploration);
            }
            if (!(temperature > 0) || Double.isInfinite(temperature)) {
                throw new CurriculumException("temperature must be a finite number > 0, got " + temperature);
            }
            if (poolSize < 1) {
                throw new CurriculumException("pool_size must be at least 1, got " + poolSize);
            }
            if (minPresentations < 1) {
                throw new CurriculumException("min_presentations must be at least 1, got " + minPresentations);
            }
            if (!(evictionRate >= 0 && evictionRate <= 1)) {
                throw new CurriculumException("eviction_rate must be in [0, 1], got " + evictionRate);
            }
            if (epochSize < 1) {
                throw new CurriculumException("epoch_size must be at least 1, got " + epochSize);
            }
            if (window < 3 || window > 10_000) {
                throw new CurriculumException("window must be in [3, 10000] (a slope needs 3 points), got " + window);
            }
        }
    }

    /** A task in the pool and what is known of it. */
    private static final class Entry {
        final Task task;
        final long number;
        long n;
        long samples;
        double fastM;
        double slowM;
        double scoreSum;
        double lp;
        /** The last min(n, window) scores, oldest first from {@code n % window} (a ring). */
        double[] recent;
        /** The curriculum's update count when this task was last updated; −1 before its first. */
        long last = -1;
        /** The mean of the window's scores above baseline (window estimator; 0 before the first update). */
        double level;

        Entry(Task task, long number, int window) {
            this.task = task;
            this.number = number;
            this.recent = new double[window];
        }

        /** Presentations before this one are not in the window (only for a state written without a window). */
        long windowStart;

        /** How many scores the window holds: min(n, window), less after restoring a state that had fewer. */
        int size() {
            return (int) Math.min(n - windowStart, recent.length);
        }

        /** Score j (0 = oldest) of the {@link #size()} in the window. */
        double recent(int j) {
            return recent[(int) ((n - size() + j) % recent.length)];
        }
    }

    private static final class LabelAgg {
        long samples;
        long updates;
        double scoreSum;
        long evictions;
    }

    private final Options options;
    /** Var(fast − slow)/σ² of two EMAs of the same i.i.d. scores (stationary): α_f/(2−α_f) + α_s/(2−α_s) − 2α_fα_s/(α_f+α_s−α_fα_s). */
    private final double noiseFactor;
    private final long seed;
    private final Rng rng;
    private final Optional<TaskGenerator> generator;
    private final int capacity;
    private final Map<String, Entry> pool = new LinkedHashMap<>();
    private final TreeSet<Entry> evictable = new TreeSet<>(
            Comparator.<Entry>comparingDouble(e -> e.lp).thenComparingLong(e -> e.number));
    private final Map<String, LabelAgg> labels = new TreeMap<>();
    private double lpSum;
    private long generated;
    private long updates;
    private long samples;
    private long evictions;
    private long stale;
    private long[] epoch = new long[5];      // number, samples, updates, evictions, generated
    private long[] lastEpoch = new long[5];

    /** A curriculum over a fixed list of tasks (the whole pool; nothing is evicted). */
    public LearningProgress(List<Task> tasks, Options options, long seed) {
        this(Optional.empty(), tasks, options, seed);
    }

    /** A curriculum whose pool of up to {@code options.poolSize()} tasks is filled by a generator. */
    public LearningProgress(TaskGenerator generator, Options options, long seed) {
        this(Optional.of(generator), List.of(), options, seed);
    }

    private LearningProgress(Optional<TaskGenerator> generator, List<Task> tasks, Options options, long seed) {
        this.options = options;
        double f = options.fast();
        double sl = options.slow();
        this.noiseFactor = f / (2 - f) + sl / (2 - sl) - 2 * f * sl / (f + sl - f * sl);
        this.seed = seed;
        this.rng = new Rng(seed);
        this.generator = generator;
        if (generator.isEmpty()) {
            if (tasks.isEmpty()) {
                throw new CurriculumException("a curriculum needs at least one task");
            }
            long k = 0;
            for (Task t : tasks) {
                if (pool.put(t.id(), new Entry(t, k++, options.window())) != null) {
                    throw new CurriculumException("task id '" + t.id() + "' appears twice");
                }
                labels.computeIfAbsent(t.label(), l -> new LabelAgg());
            }
            capacity = tasks.size();
        } else {
            capacity = options.poolSize();
        }
    }

    public Options options() {
        return options;
    }

    @Override
    public String algorithm() {
        return ALGORITHM;
    }

    @Override
    public List<Task> tasks() {
        return pool.values().stream().map(e -> e.task).toList();
    }

    // ---- estimates

    private double fast(Entry e) {
        return options.reference() ? e.fastM : e.fastM / (1 - Math.pow(1 - options.fast(), e.n));
    }

    private double slow(Entry e) {
        return options.reference() ? e.slowM : e.slowM / (1 - Math.pow(1 - options.slow(), e.n));
    }

    private double progress(Entry e) {
        if (e.n == 0) {
            return 0;
        }
        if (options.reference()) {
            return Math.abs(reweight(e.fastM) - reweight(e.slowM));
        }
        if (options.estimator() == Estimator.WINDOW) {
            return windowProgress(e);
        }
        double b = e.task.baseline();
        double pf = Math.max(fast(e) - b, 0) / (1 - b);
        double ps = Math.max(slow(e) - b, 0) / (1 - b);
        // what |fast − slow| shows on a task that does not change at all (scores of variance ŝ(1 − ŝ)): subtracted, so a
        // pure-noise task does not look like progress
        double s = Math.min(1, Math.max(0, slow(e)));
        double noise = options.noise() * Math.sqrt(s * (1 - s) * noiseFactor) / (1 - b);
        return Math.max(0, Math.abs(pf - ps) - noise);
    }

    /** A score measured against the task's random baseline: max(s − B, 0)/(1 − B). */
    private static double aboveBaseline(Entry e, double score) {
        double b = e.task.baseline();
        return Math.max(score - b, 0) / (1 - b);
    }

    /**
     * LP of the window estimator, from the last m = min(n, W) scores y_0..y_{m−1} above baseline (oldest first): the
     * least-squares slope β̂ against their order, shrunk by z = {@code noise} standard errors (residual variance, m − 2
     * degrees of freedom) and put in success per window: d = W·max(0, |β̂| − z·se(β̂)). Success is bounded, so no more
     * progress can be made than the room left in the slope's direction from the fitted level at the window's end
     * ŷ_end (clipped to [0, 1]): LP = min(d, 1 − ŷ_end) when rising, min(d, ŷ_end) when falling. LP is 0 while m < 3
     * (unset: the exploration bonus carries such a task). Also sets the task's window mean.
     */
    private double windowProgress(Entry e) {
        int w = options.window();
        int m = e.size();
        if (m == 0) {
            e.level = 0;
            return 0;
        }
        double ybar = 0;
        for (int j = 0; j < m; j++) {
            ybar += aboveBaseline(e, e.recent(j));
        }
        ybar /= m;
        e.level = ybar;
        if (m < 3) {
            return 0;
        }
        double xbar = (m - 1) / 2.0;
        double sxx = m * ((double) m * m - 1) / 12.0;
        double sxy = 0;
        for (int j = 0; j < m; j++) {
            sxy += (j - xbar) * (aboveBaseline(e, e.recent(j)) - ybar);
        }
        double slope = sxy / sxx;
        double ssr = 0;
        for (int j = 0; j < m; j++) {
            double r = aboveBaseline(e, e.recent(j)) - ybar - slope * (j - xbar);
            ssr += r * r;
        }
        double se = Math.sqrt(ssr / (m - 2) / sxx);
        double d = w * Math.max(0, Math.abs(slope) - options.noise() * se);
        double end = Math.min(1, Math.max(0, ybar + slope * (m - 1 - xbar)));
        return Math.min(d, slope > 0 ? 1 - end : end);
    }

    /** Room left to learn: 1 − the mean of the window's scores above baseline (1 for a task never updated). */
    private static double headroom(Entry e) {
        return e.size() == 0 ? 1 : 1 - e.level;
    }

    static double reweight(double p) {
        double s = REFERENCE_SMOOTHING;
        return p * (1 - s) / (p + s * (1 - 2 * p));
    }

    // ---- sampling

    /** The sampling probability of every task in the pool, in pool order. */
    public double[] probabilities() {
        int n = pool.size();
        double[] score = new double[n];
        double meanLp = n == 0 ? 0 : lpSum / n;
        double logN = Math.log1p(updates);
        int i = 0;
        if (!options.reference() && options.estimator() == Estimator.WINDOW) {
            // bonus = β · max LP · headroom · staleness: a task nobody has looked at for long, with all its success still
            // to gain, is worth as much as the best progress now seen (see the class comment)
            double maxLp = 0;
            for (Entry e : pool.values()) {
                maxLp = Math.max(maxLp, e.lp);
            }
            double scale = maxLp > 0 ? maxLp : 1;
            for (Entry e : pool.values()) {
                double g = updates - e.last;
                score[i++] = e.lp + options.exploration() * scale * headroom(e) * (g / (g + n));
            }
        } else {
            for (Entry e : pool.values()) {
                score[i++] = e.lp + (options.reference() ? 0 : options.exploration() * meanLp * Math.sqrt(logN / (1 + e.n)));
            }
        }
        double mean = Arrays.stream(score).average().orElse(0);
        double var = 0;
        for (double s : score) {
            var += (s - mean) * (s - mean);
        }
        double sd = n == 0 ? 0 : Math.sqrt(var / n);
        double[] p = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < n; j++) {
            double z = sd > 1e-12 && Double.isFinite(sd) ? (score[j] - mean) / sd : 0;
            p[j] = z / options.temperature();
            max = Math.max(max, p[j]);
        }
        double total = 0;
        for (int j = 0; j < n; j++) {
            p[j] = options.transform() == Transform.SOFTMAX ? Math.exp(p[j] - max) : 1 / (1 + Math.exp(-p[j]));
            if (!Double.isFinite(p[j])) {
                p[j] = 0; // the reference reweighting can produce NaN near its pole
            }
            total += p[j];
        }
        if (options.reference()) {
            i = 0;
            for (Entry e : pool.values()) {
                p[i] = p[i] / (total > 0 ? total : 1) + (e.n < options.minPresentations() ? 0.1 : 0);
                i++;
            }
            total = Arrays.stream(p).sum();
        }
        for (int j = 0; j < n; j++) {
            p[j] = total > 0 ? p[j] / total : 1.0 / n;
        }
        return p;
    }

    @Override
    public Sample sample() {
        Entry chosen;
        if (generator.isPresent() && pool.size() < capacity) {
            chosen = addNew();
        } else if (generator.isPresent() && !evictable.isEmpty() && rng.nextDouble() < options.evictionRate()) {
            evict(evictable.first());
            chosen = addNew();
        } else {
            double[] p = probabilities();
            int k = rng.pick(p, 1.0);
            chosen = pool.values().stream().skip(k).findFirst().orElseThrow();
        }
        chosen.samples++;
        labels.get(chosen.task.label()).samples++;
        samples++;
        epoch[1]++;
        return new Sample(chosen.task, OptionalInt.empty());
    }

    private Entry addNew() {
        long number = generated++;
        Task t = generator.orElseThrow().generate(number, seed);
        Entry e = new Entry(t, number, options.window());
        pool.put(t.id(), e);
        labels.computeIfAbsent(t.label(), l -> new LabelAgg());
        epoch[4]++;
        return e;
    }

    private void evict(Entry e) {
        evictable.remove(e);
        pool.remove(e.task.id());
        lpSum -= e.lp;
        labels.get(e.task.label()).evictions++;
        evictions++;
        epoch[3]++;
    }

    // ---- updates

    @Override
    public void update(String task, double score) {
        Entry e = entry(task);
        Curriculum.checkScore(task, score);
        if (e == null) {
            stale++;
            return;
        }
        apply(e, score);
    }

    /** The pool entry of a task, null for a task evicted from it; unknown ids are refused. */
    private Entry entry(String task) {
        Entry e = pool.get(task);
        if (e == null && !evicted(task)) {
            throw new CurriculumException("unknown task '" + task + "'" + (generator.isPresent()
                    ? "; generated tasks are t0.." + (generated == 0 ? "(none yet: sample first)" : "t" + (generated - 1)) : ""));
        }
        return e;
    }

    /** True for a generated task that has been evicted: its late updates are counted as stale and ignored. */
    public boolean evicted(String task) {
        if (generator.isEmpty() || pool.containsKey(task) || !task.startsWith("t")) {
            return false;
        }
        try {
            long k = Long.parseLong(task.substring(1));
            return k >= 0 && k < generated && TaskGenerator.id(k).equals(task);
        } catch (NumberFormatException ex) {
            return false;
        }
    }

    @Override
    public void updateBatch(List<Update> batch) {
        List<Entry> entries = new ArrayList<>();
        for (Update u : batch) {
            entries.add(entry(u.task()));
            Curriculum.checkScore(u.task(), u.score());
        }
        for (int i = 0; i < batch.size(); i++) {
            if (entries.get(i) == null) {
                stale++;
            } else {
                apply(entries.get(i), batch.get(i).score());
            }
        }
    }

    private void apply(Entry e, double score) {
        boolean wasEvictable = evictable.remove(e);
        if (options.reference()) {
            e.fastM = e.fastM == 0.0 ? score : e.fastM + options.fast() * (score - e.fastM);
            e.slowM = e.slowM == 0.0 ? score : e.slowM + options.slow() * (score - e.slowM);
        } else {
            e.fastM += options.fast() * (score - e.fastM);
            e.slowM += options.slow() * (score - e.slowM);
        }
        e.recent[(int) (e.n % e.recent.length)] = score;
        e.n++;
        e.last = updates;
        e.scoreSum += score;
        lpSum -= e.lp;
        e.lp = progress(e);
        if (!Double.isFinite(e.lp)) {
            e.lp = 0; // only the reference reweighting gets here (its pole)
        }
        lpSum += e.lp;
        if (generator.isPresent() && (wasEvictable || e.n >= options.minPresentations())) {
            evictable.add(e);
        }
        LabelAgg l = labels.get(e.task.label());
        l.updates++;
        l.scoreSum += score;
        updates++;
        epoch[2]++;
        if (updates % options.epochSize() == 0) {
            lastEpoch = epoch;
            epoch = new long[]{updates / options.epochSize(), 0, 0, 0, 0};
        }
    }

    // ---- stats and state

    /** The learning progress of a task in the pool. */
    public double learningProgress(String task) {
        Entry e = pool.get(task);
        if (e == null) {
            throw new CurriculumException("task '" + task + "' is not in the pool");
        }
        return e.lp;
    }

    @Override
    public CurriculumStats.Progress stats() {
        double[] p = probabilities();
        List<CurriculumStats.TaskStats> ts = new ArrayList<>();
        Map<String, Integer> inPool = new HashMap<>();
        long[] counts = new long[pool.size()];
        int i = 0;
        for (Entry e : pool.values()) {
            ts.add(new CurriculumStats.TaskStats(e.task.id(), e.task.label(), e.n, e.samples,
                    e.n == 0 ? null : fast(e), e.n == 0 ? null : slow(e), e.lp, p[i]));
            counts[i++] = e.samples;
            inPool.merge(e.task.label(), 1, Integer::sum);
        }
        Map<String, CurriculumStats.LabelStats> ls = new LinkedHashMap<>();
        labels.forEach((k, v) -> ls.put(k, new CurriculumStats.LabelStats(inPool.getOrDefault(k, 0), v.samples, v.updates,
                v.updates == 0 ? null : v.scoreSum / v.updates, v.evictions)));
        return new CurriculumStats.Progress(ALGORITHM, updates, samples, pool.size(), generated, evictions, stale,
                gini(counts), counts(epoch), counts(lastEpoch), ts, ls);
    }

    private static CurriculumStats.EpochCounts counts(long[] c) {
        return new CurriculumStats.EpochCounts(c[0], c[1], c[2], c[3], c[4]);
    }

    /** Gini coefficient: (2 Σ i·x_(i))/(n Σ x) − (n + 1)/n over the sorted counts (0 when nothing was sampled). */
    static double gini(long[] counts) {
        long[] x = counts.clone();
        Arrays.sort(x);
        double sum = 0;
        double weighted = 0;
        for (int i = 0; i < x.length; i++) {
            sum += x[i];
            weighted += (i + 1) * (double) x[i];
        }
        int n = x.length;
        return sum == 0 ? 0 : 2 * weighted / (n * sum) - (n + 1.0) / n;
    }

    @Override
    public JsonNode state() {
        ObjectNode s = Json.object().put("format", STATE_FORMAT).put("algorithm", ALGORITHM)
                .put("updates", updates).put("samples", samples).put("rng", rng.counter()).put("generated", generated)
                .put("evictions", evictions).put("stale", stale);
        s.set("epoch", Json.tree(epoch));
        s.set("last_epoch", Json.tree(lastEpoch));
        ArrayNode ls = s.putArray("labels");
        labels.forEach((k, v) -> ls.addObject().put("label", k).put("samples", v.samples).put("updates", v.updates)
                .put("score_sum", v.scoreSum).put("evictions", v.evictions));
        ArrayNode arr = s.putArray("pool");
        for (Entry e : pool.values()) {
            ObjectNode o = arr.addObject().put("id", e.task.id()).put("number", e.number).put("label", e.task.label())
                    .put("baseline", e.task.baseline()).put("n", e.n).put("samples", e.samples).put("fast_m", e.fastM)
                    .put("slow_m", e.slowM).put("score_sum", e.scoreSum).put("last", e.last);
            ArrayNode rec = o.putArray("recent");
            for (int j = 0; j < e.size(); j++) {
                rec.add(e.recent(j));
            }
            o.set("params", Json.tree(e.task.params()));
        }
        return s;
    }

    @Override
    public void loadState(JsonNode s) {
        StateReader r = new StateReader(s, ALGORITHM);
        JsonNode arr = r.array("pool");
        List<Entry> entries = new ArrayList<>();
        for (int j = 0; j < arr.size(); j++) {
            JsonNode o = arr.get(j);
            String at = "pool[" + j + "].";
            String id = StateReader.text(o, at + "id");
            Task t;
            if (generator.isEmpty()) {
                Entry known = pool.get(id);
                if (known == null) {
                    throw new CurriculumException("state: " + at + "id: task '" + id + "' is not in this curriculum");
                }
                t = known.task;
            } else {
                t = new Task(id, StateReader.text(o, at + "label"), Json.WIRE.convertValue(o.get("params"), Map.class),
                        StateReader.number(o, at + "baseline"));
            }
            Entry e = new Entry(t, StateReader.count(o, at + "number"), options.window());
            e.n = StateReader.count(o, at + "n");
            e.samples = StateReader.count(o, at + "samples");
            e.fastM = StateReader.number(o, at + "fast_m");
            e.slowM = StateReader.number(o, at + "slow_m");
            e.scoreSum = StateReader.number(o, at + "score_sum");
            // "recent" and "last" came with the window estimator: a state written before has neither (empty window)
            JsonNode rec = o.get("recent");
            if (rec != null) {
                if (!rec.isArray() || rec.size() > e.n) {
                    throw new CurriculumException("state: " + at + "recent: expected an array of at most n = " + e.n + " scores");
                }
                int w = e.recent.length;
                int from = Math.max(0, rec.size() - w);
                int m = rec.size() - from;
                e.windowStart = e.n - m;
                for (int q = 0; q < m; q++) {
                    JsonNode v = rec.get(from + q);
                    if (!v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= 1)) {
                        throw new CurriculumException("state: " + at + "recent[" + (from + q) + "]: expected a score in [0, 1], got " + v);
                    }
                    e.recent[(int) ((e.n - m + q) % w)] = v.asDouble();
                }
            } else {
                e.windowStart = e.n;
            }
            JsonNode last = o.get("last");
            if (last != null) {
                if (!last.canConvertToLong() || !last.isIntegralNumber() || last.asLong() < -1) {
                    throw new CurriculumException("state: " + at + "last: expected an integer >= -1, got " + last);
                }
                e.last = last.asLong();
            }
            entries.add(e);
        }
        if (generator.isEmpty() && entries.size() != pool.size()) {
            throw new CurriculumException("state has " + entries.size() + " tasks, this curriculum " + pool.size());
        }
        Map<String, LabelAgg> lab = new TreeMap<>();
        JsonNode la = r.array("labels");
        for (int j = 0; j < la.size(); j++) {
            LabelAgg a = new LabelAgg();
            String at = "labels[" + j + "].";
            a.samples = StateReader.count(la.get(j), at + "samples");
            a.updates = StateReader.count(la.get(j), at + "updates");
            a.scoreSum = StateReader.number(la.get(j), at + "score_sum");
            a.evictions = StateReader.count(la.get(j), at + "evictions");
            lab.put(StateReader.text(la.get(j), at + "label"), a);
        }
        long[] ep = epochArray(r.array("epoch"), "epoch");
        long[] lep = epochArray(r.array("last_epoch"), "last_epoch");
        long up = r.count("updates");
        long sa = r.count("samples");
        long rc = r.count("rng");
        long gen = r.count("generated");
        long ev = r.count("evictions");
        long st = r.count("stale");
        // all read and checked: now apply
        pool.clear();
        evictable.clear();
        lpSum = 0;
        for (Entry e : entries) {
            e.lp = progress(e);
            if (!Double.isFinite(e.lp)) {
                e.lp = 0;
            }
            lpSum += e.lp;
            pool.put(e.task.id(), e);
            lab.computeIfAbsent(e.task.label(), l -> new LabelAgg());
            if (generator.isPresent() && e.n >= options.minPresentations()) {
                evictable.add(e);
            }
        }
        labels.clear();
        labels.putAll(lab);
        epoch = ep;
        lastEpoch = lep;
        updates = up;
        samples = sa;
        rng.counter(rc);
        generated = gen;
        evictions = ev;
        stale = st;
    }

    private static long[] epochArray(JsonNode a, String field) {
        if (a.size() != 5) {
            throw new CurriculumException("state: " + field + ": expected 5 counters, got " + a.size());
        }
        long[] c = new long[5];
        for (int i = 0; i < 5; i++) {
            if (!a.get(i).canConvertToLong() || a.get(i).asLong() < 0) {
                throw new CurriculumException("state: " + field + "[" + i + "]: expected an integer >= 0");
            }
            c[i] = a.get(i).asLong();
        }
        return c;
    }
}
