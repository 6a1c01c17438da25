package dev.orchard.engine.schedule;

import dev.orchard.engine.optimize.Seeds;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.SplittableRandom;

/**
 * Population-based training (Jaderberg et al. 2017), truncation selection and an {@link Explorer} (by default
 * {@link PerturbExplorer}).
 * <ul>
 *   <li>{@code population} members (lineages) each start as a {@link Launch.Fresh fresh} trial (the optimizer suggests
 *   the configuration; random search is usual). Members run at once when {@code slots ≥ population} (the default);
 *   with fewer slots the later members wait for earlier ones to finish.</li>
 *   <li>A member is <em>ready</em> when it reports at a step at least {@code interval} past the step of its previous
 *   readiness (or of its start). Ready, it is ranked with the other running members that have reported, by their latest
 *   values (ties: the lower member number ranks higher). With {@code n} ranked and {@code k = min(⌈n·quantile⌉, ⌊n/2⌋)},
 *   a member in the bottom {@code k} whose value is strictly worse than the {@code k}-th best is stopped
 *   ({@link Decision#stop}, recorded as pruned; its details name the parent) and replaced: the next {@link #next} returns
 *   {@link Launch.Derived} with a parent drawn uniformly from the top {@code k} by the seeded random stream and the
 *   parent's configuration explored. Everyone else continues. A member tied with the top is not replaced (copying an
 *   equal member would only cost a checkpoint copy).</li>
 *   <li>The derived trial starts from a copy of the parent's checkpoint, so its steps continue from the parent's: its
 *   next readiness is {@code interval} steps after the parent's last reported step. Its generation is the parent's plus
 *   one (fresh members are generation 0).</li>
 *   <li>A member that reports at step {@code generations·interval} or later is stopped as {@link Decision#done done}.
 *   A member whose trial ends otherwise (completed, failed, stopped) leaves the population.</li>
 *   <li>At most {@code population·generations} trials are created (and no more than the context's budget, when it is
 *   positive); without budget for a derived trial, a bottom member continues. {@link #next} returns nothing once every
 *   member has finished.</li>
 * </ul>
 */
public final class PbtScheduler implements Scheduler {

    public record Settings(int population, int slots, long interval, int generations, double quantile, double resampleProbability) {
        public Settings {
            if (population < 2) {
                throw new IllegalArgumentException("population must be at least 2, got " + population);
            }
            if (slots < 1) {
                throw new IllegalArgumentException("parallel must be at least 1, got " + slots);
            }
            if (interval < 1) {
                throw new IllegalArgumentException("interval must be at least 1 step, got " + interval);
            }
            if (generations < 1) {
                throw new IllegalArgumentException("generations must be at least 1, got " + generations);
            }
            if (!(quantile > 0 && quantile <= 0.5)) {
                throw new IllegalArgumentException("quantile must be in (0, 0.5], got " + quantile);
            }
            if (!(resampleProbability >= 0 && resampleProbability <= 1)) {
                throw new IllegalArgumentException("resample_probability must be in [0, 1], got " + resampleProbability);
            }
        }
    }

    private enum Phase { WAITING, RUNNING, DERIVING, FINISHED }

    /** One lineage of the population: the trial that currently carries it. */
    private static final class Member {
        final int index;
        Phase phase = Phase.WAITING;
        int trial = -1;
        Map<String, Object> params = Map.of();
        int generation;
        long baseline;
        double latest = Double.NaN;
        long latestStep;

        Member(int index) {
            this.index = index;
        }
    }

    /** A replacement decided for member {@code member}: a new trial from {@code parent}'s checkpoint. */
    private record Derivation(int member, int parent, Map<String, Object> params, int generation, long parentStep) {
    }

    private final Settings settings;
    private final Direction direction;
    private final long seed;
    private final Explorer explorer;
    private final int cap;
    private final List<Member> members = new ArrayList<>();
    private final Deque<Derivation> pending = new ArrayDeque<>();
    private final Deque<Derivation> issued = new ArrayDeque<>();
    private final Map<Integer, Integer> memberOf = new HashMap<>();
    private int freshIssued;
    private int freshStarted;
    private int created;
    private long draws;

    /** PBT that explores with {@link PerturbExplorer} over the context's space. */
    public PbtScheduler(Settings settings, SchedulerContext context) {
        this(settings, context, new PerturbExplorer(context.space(), settings.resampleProbability()));
    }

    public PbtScheduler(Settings settings, SchedulerContext context, Explorer explorer) {
        this.settings = settings;
        this.direction = context.direction();
        this.seed = context.seed();
        this.explorer = explorer;
        long most = (long) settings.population() * settings.generations();
        this.cap = (int) Math.min(Integer.MAX_VALUE, context.budget() > 0 ? Math.min(most, context.budget()) : most);
        for (int i = 0; i < settings.population(); i++) {
            members.add(new Member(i));
        }
    }

    /** The most trials this scheduler creates. */
    public int maxTrials() {
        return cap;
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    @Override
    public List<Launch> next(SweepView view) {
        var out = new ArrayList<Launch>();
        int free = view.freeSlots();
        int budget = view.remainingBudget();
        while (!pending.isEmpty() && free > 0 && budget > 0) {
            Derivation d = pending.poll();
            issued.add(d);
            out.add(new Launch.Derived(d.parent(), d.params(), "member " + d.member() + ", generation " + d.generation()
                    + ": continues from trial " + d.parent() + "'s checkpoint"));
            free--;
            budget--;
            created++;
        }
        budget = Math.min(budget, cap - created - pending.size());
        while (freshIssued < members.size() && free > 0 && budget > 0) {
            out.add(Launch.FRESH);
            freshIssued++;
            free--;
            budget--;
            created++;
        }
        return out;
    }

    @Override
    public void onStarted(int trial, Map<String, Object> params, Launch how) {
        Member m;
        if (how instanceof Launch.Derived d) {
            Derivation match = take(d);
            if (match == null) {
                return;
            }
            m = members.get(match.member());
            m.generation = match.generation();
            m.baseline = match.parentStep();
        } else if (how instanceof Launch.Fresh && freshStarted < members.size()) {
            m = members.get(freshStarted++);
            m.generation = 0;
            m.baseline = 0;
        } else {
            return;
        }
        m.phase = Phase.RUNNING;
        m.trial = trial;
        m.params = ordered(params);
        m.latest = Double.NaN;
        m.latestStep = m.baseline;
        memberOf.put(trial, m.index);
    }

    /** The issued derivation a started {@link Launch.Derived} belongs to (same parent and params; else the oldest). */
    private Derivation take(Launch.Derived d) {
        for (Iterator<Derivation> it = issued.iterator(); it.hasNext(); ) {
            Derivation x = it.next();
            if (x.parent() == d.parent() && x.params().equals(d.params())) {
                it.remove();
                return x;
            }
        }
        return issued.poll();
    }

    private double score(double value) {
        return -direction.toLoss(value);
    }

    @Override
    public Decision onReport(int trial, long step, double value) {
        Integer index = memberOf.get(trial);
        if (index == null || members.get(index).phase != Phase.RUNNING) {
            return Decision.CONTINUE;
        }
        Member m = members.get(index);
        m.latest = value;
        m.latestStep = step;
        long end = settings.interval() * settings.generations();
        if (step >= end) {
            m.phase = Phase.FINISHED;
            var d = new LinkedHashMap<String, Object>();
            d.put("member", m.index);
            d.put("generation", m.generation);
            d.put("step", step);
            return Decision.done("member " + m.index + " trained " + end + " steps (" + settings.generations() + " generations of "
                    + settings.interval() + ")", d);
        }
        if (step - m.baseline < settings.interval()) {
            return Decision.CONTINUE;
        }
        m.baseline = step;
        List<Member> ranked = members.stream().filter(x -> x.phase == Phase.RUNNING && !Double.isNaN(x.latest))
                .sorted(Comparator.comparingDouble((Member x) -> score(x.latest)).reversed()).toList();
        int n = ranked.size();
        int k = Math.min((int) Math.ceil(n * settings.quantile() - 1e-9), n / 2);
        int position = ranked.indexOf(m);
        if (k == 0 || position < n - k) {
            return Decision.CONTINUE;
        }
        Member worstTop = ranked.get(k - 1);
        if (!(score(m.latest) < score(worstTop.latest)) || created + pending.size() >= cap) {
            return Decision.CONTINUE;
        }
        SplittableRandom rng = Seeds.stream(seed, draws++);
        Member parent = ranked.get(rng.nextInt(k));
        Map<String, Object> params = explorer.explore(parent.params, rng);
        int generation = parent.generation + 1;
        pending.add(new Derivation(m.index, parent.trial, params, generation, parent.latestStep));
        m.phase = Phase.DERIVING;
        var d = new LinkedHashMap<String, Object>();
        d.put("member", m.index);
        d.put("value", value);
        d.put("rank", position + 1);
        d.put("population", n);
        d.put("quantile_size", k);
        d.put("cutoff", worstTop.latest);
        d.put("parent", parent.trial);
        d.put("parent_value", parent.latest);
        d.put("parent_step", parent.latestStep);
        d.put("generation", generation);
        d.put("params", params);
        return Decision.stop("exploit: rank " + (position + 1) + " of " + n + " is in the bottom " + k
                + "; member " + m.index + " continues from trial " + parent.trial + " (value " + parent.latest + ") with explored params", d);
    }

    @Override
    public void onEnded(int trial, TrialState state, OptionalDouble value, long lastStep) {
        Integer index = memberOf.remove(trial);
        if (index == null) {
            return;
        }
        Member m = members.get(index);
        if (m.trial == trial && m.phase == Phase.RUNNING) {
            m.phase = Phase.FINISHED;
        }
    }

    @Override
    public Map<String, Object> state() {
        var s = new LinkedHashMap<String, Object>();
        s.put("members", members.stream().map(m -> {
            var x = new LinkedHashMap<String, Object>();
            x.put("phase", m.phase.name());
            x.put("trial", m.trial);
            x.put("params", new LinkedHashMap<>(m.params));
            x.put("generation", m.generation);
            x.put("baseline", m.baseline);
            x.put("latest", StateMaps.finiteOrNull(m.latest));
            x.put("latest_step", m.latestStep);
            return x;
        }).toList());
        s.put("pending", pending.stream().map(PbtScheduler::derivation).toList());
        s.put("issued", issued.stream().map(PbtScheduler::derivation).toList());
        var trials = new LinkedHashMap<String, Object>();
        memberOf.forEach((t, i) -> trials.put(String.valueOf(t), i));
        s.put("member_of", trials);
        s.put("fresh_issued", freshIssued);
        s.put("fresh_started", freshStarted);
        s.put("created", created);
        s.put("draws", draws);
        return s;
    }

    private static Map<String, Object> ordered(Map<String, Object> params) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    private static Map<String, Object> derivation(Derivation d) {
        var x = new LinkedHashMap<String, Object>();
        x.put("member", d.member());
        x.put("parent", d.parent());
        x.put("params", new LinkedHashMap<>(d.params()));
        x.put("generation", d.generation());
        x.put("parent_step", d.parentStep());
        return x;
    }

    private static Derivation derivation(Object o) {
        Map<String, Object> x = StateMaps.map(o, "derivation");
        return new Derivation(StateMaps.getInt(x, "member"), StateMaps.getInt(x, "parent"),
                ordered(StateMaps.map(StateMaps.get(x, "params"), "params")), StateMaps.getInt(x, "generation"),
                StateMaps.getLong(x, "parent_step"));
    }

    @Override
    public void restore(Map<String, Object> state) {
        List<?> ms = StateMaps.list(state, "members");
        if (ms.size() != members.size()) {
            throw new IllegalArgumentException("scheduler state has " + ms.size() + " members; this population has " + members.size());
        }
        for (int i = 0; i < ms.size(); i++) {
            Map<String, Object> x = StateMaps.map(ms.get(i), "members[" + i + "]");
            Member m = members.get(i);
            m.phase = Phase.valueOf(String.valueOf(StateMaps.get(x, "phase")));
            m.trial = StateMaps.getInt(x, "trial");
            m.params = ordered(StateMaps.map(StateMaps.get(x, "params"), "params"));
            m.generation = StateMaps.getInt(x, "generation");
            m.baseline = StateMaps.getLong(x, "baseline");
            m.latest = StateMaps.doubleOf(x.get("latest"), "latest");
            m.latestStep = StateMaps.getLong(x, "latest_step");
        }
        pending.clear();
        StateMaps.list(state, "pending").forEach(o -> pending.add(derivation(o)));
        issued.clear();
        StateMaps.list(state, "issued").forEach(o -> issued.add(derivation(o)));
        memberOf.clear();
        StateMaps.map(StateMaps.get(state, "member_of"), "member_of").forEach((t, i) -> memberOf.put(Integer.parseInt(t), StateMaps.intOf(i, "member_of")));
        freshIssued = StateMaps.getInt(state, "fresh_issued");
        freshStarted = StateMaps.getInt(state, "fresh_started");
        created = StateMaps.getInt(state, "created");
        draws = StateMaps.getLong(state, "draws");
    }
}
