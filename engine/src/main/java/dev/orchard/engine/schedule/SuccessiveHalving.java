package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One bracket of asynchronous successive halving (Li et al. 2020): the rungs, the values recorded at each, the trials
 * paused at a rung and the promotions out of each. {@link AshaScheduler} runs one, {@link HyperbandScheduler} several.
 * <p>
 * Rung {@code k} is at step {@code ⌊grace·η^k⌋} for every {@code k ≥ 0} whose step is below {@code maxSteps}; reaching
 * {@code maxSteps} ends a trial as {@link Decision#done done}. A report at step {@code s} records its value at the
 * highest rung whose step is {@code ≤ s} and above the highest rung the trial has recorded so far (a trial that reports
 * coarsely skips rungs instead of recording one report at several; a rung below one it has passed is never filled).
 */
final class SuccessiveHalving {
    private final long grace;
    private final double eta;
    private final long maxSteps;
    private final AshaScheduler.Mode mode;
    private final Direction direction;
    private final long[] rungSteps;
    /** Per rung: trial → value as reported, in the order recorded (ties go to the earlier one). */
    private final List<Map<Integer, Double>> recorded = new ArrayList<>();
    /** Per rung: trials promoted out of it. */
    private final List<Set<Integer>> promoted = new ArrayList<>();
    /** Trial → index of the highest rung it has recorded. */
    private final Map<Integer, Integer> level = new HashMap<>();
    /** Trials that paused at their rung (the sweep confirmed it) and wait for a promotion. */
    private final Set<Integer> paused = new LinkedHashSet<>();

    /** A paused trial that may continue to the next rung. */
    record Promotion(int trial, int rung, long rungStep, int rank, int recorded, long nextStep) {
    }

    SuccessiveHalving(long grace, double eta, long maxSteps, AshaScheduler.Mode mode, Direction direction) {
        this.grace = grace;
        this.eta = eta;
        this.maxSteps = maxSteps;
        this.mode = mode;
        this.direction = direction;
        this.rungSteps = rungSteps(grace, eta, maxSteps);
        for (int i = 0; i < rungSteps.length; i++) {
            recorded.add(new LinkedHashMap<>());
            promoted.add(new LinkedHashSet<>());
        }
    }

    /** {@code ⌊grace·η^k⌋} for k = 0, 1, … while below {@code maxSteps}; repeated steps (η close to 1) are dropped. */
    static long[] rungSteps(long grace, double eta, long maxSteps) {
        var steps = new ArrayList<Long>();
        for (int k = 0; ; k++) {
            // the epsilon keeps 3·3^2 = 27 from flooring to 26 when pow rounds down
            long s = (long) Math.floor(grace * Math.pow(eta, k) + 1e-9);
            if (s >= maxSteps) {
                break;
            }
            if (steps.isEmpty() || s > steps.get(steps.size() - 1)) {
                steps.add(s);
            }
        }
        return steps.stream().mapToLong(Long::longValue).toArray();
    }

    long[] rungSteps() {
        return rungSteps.clone();
    }

    long grace() {
        return grace;
    }

    /** Larger is better. */
    private double score(double value) {
        return -direction.toLoss(value);
    }

    Decision onReport(int trial, long step, double value) {
        int from = level.getOrDefault(trial, -1);
        int rung = -1;
        for (int i = rungSteps.length - 1; i > from; i--) {
            if (rungSteps[i] <= step) {
                rung = i;
                break;
            }
        }
        Decision decision = Decision.CONTINUE;
        if (rung >= 0) {
            decision = record(trial, rung, value, step >= maxSteps);
        }
        if (decision.kind() != Decision.Kind.STOP && step >= maxSteps) {
            var d = new LinkedHashMap<String, Object>();
            d.put("max_steps", maxSteps);
            d.put("step", step);
            d.put("value", value);
            decision = Decision.done("reached max_steps " + maxSteps, d);
        }
        return decision;
    }

    private Decision record(int trial, int rung, double value, boolean atEnd) {
        Map<Integer, Double> rec = recorded.get(rung);
        double[] before = rec.entrySet().stream().filter(e -> e.getKey() != trial).mapToDouble(e -> score(e.getValue())).toArray();
        rec.put(trial, value);
        level.put(trial, rung);
        var d = new LinkedHashMap<String, Object>();
        d.put("rung", rung);
        d.put("rung_step", rungSteps[rung]);
        d.put("value", value);
        d.put("rank", rank(rung, trial));
        d.put("recorded", rec.size());
        if (mode == AshaScheduler.Mode.STOP) {
            if (before.length == 0) {
                return Decision.CONTINUE;
            }
            // Ray Tune's rule: the (1 - 1/η)-quantile of the values recorded before this one; strictly below it stops
            double cutoff = Stats.quantile(before, 1 - 1 / eta);
            d.put("cutoff", unscore(cutoff));
            if (score(value) < cutoff) {
                return Decision.stop("not in the top 1/" + fmt(eta) + " at rung " + rung + " (step " + rungSteps[rung] + ")", d);
            }
            return Decision.CONTINUE;
        }
        if (atEnd) {
            return Decision.CONTINUE; // the caller ends it as done
        }
        d.put("promotable", promotable(rung));
        return Decision.pause("reached rung " + rung + " (step " + rungSteps[rung] + "); waits for promotion", d);
    }

    /** Score → value in the metric's own units (cut-offs are shown that way). */
    private double unscore(double score) {
        return direction == Direction.MAXIMIZE ? score : -score;
    }

    /** 1 + the number of values recorded at the rung that are strictly better. */
    private int rank(int rung, int trial) {
        double mine = score(recorded.get(rung).get(trial));
        int better = 0;
        for (double v : recorded.get(rung).values()) {
            if (score(v) > mine) {
                better++;
            }
        }
        return better + 1;
    }

    /** How many of a rung's trials may go on: ⌊n/η⌋ of the n recorded there. */
    private int promotable(int rung) {
        return (int) Math.floor(recorded.get(rung).size() / eta + 1e-9);
    }

    void onEnded(int trial, TrialState state) {
        if (state == TrialState.PAUSED && mode == AshaScheduler.Mode.PROMOTE && level.containsKey(trial)) {
            paused.add(trial);
        } else {
            paused.remove(trial);
        }
    }

    /**
     * Paused trials in the top ⌊n/η⌋ of their rung (ordered by value, ties to the earlier record) that were not promoted
     * yet: highest rung first, best first within a rung.
     */
    List<Promotion> promotions() {
        var out = new ArrayList<Promotion>();
        for (int rung = rungSteps.length - 1; rung >= 0; rung--) {
            int top = promotable(rung);
            if (top == 0) {
                continue;
            }
            List<Integer> order = ordered(rung);
            for (int i = 0; i < top; i++) {
                int t = order.get(i);
                if (paused.contains(t) && level.get(t) == rung && !promoted.get(rung).contains(t)) {
                    long next = rung + 1 < rungSteps.length ? rungSteps[rung + 1] : maxSteps;
                    out.add(new Promotion(t, rung, rungSteps[rung], i + 1, recorded.get(rung).size(), next));
                }
            }
        }
        return out;
    }

    /** The rung's trials best first; a stable sort keeps ties in the order recorded. */
    private List<Integer> ordered(int rung) {
        var entries = new ArrayList<>(recorded.get(rung).entrySet());
        entries.sort(Comparator.comparingDouble((Map.Entry<Integer, Double> e) -> score(e.getValue())).reversed());
        return entries.stream().map(Map.Entry::getKey).toList();
    }

    /** Marks a promotion as taken: the trial is no longer paused and cannot be promoted out of that rung again. */
    void promote(Promotion p) {
        paused.remove(p.trial());
        promoted.get(p.rung()).add(p.trial());
    }

    /** Trials paused at a rung and not promoted (they stay paused when the sweep ends). */
    Set<Integer> paused() {
        return Set.copyOf(paused);
    }

    Map<String, Object> state() {
        var rungs = new ArrayList<Map<String, Object>>();
        for (int i = 0; i < rungSteps.length; i++) {
            var r = new LinkedHashMap<String, Object>();
            r.put("step", rungSteps[i]);
            r.put("recorded", recorded.get(i).entrySet().stream().map(e -> List.<Object>of(e.getKey(), e.getValue())).toList());
            r.put("promoted", List.copyOf(promoted.get(i)));
            rungs.add(r);
        }
        var s = new LinkedHashMap<String, Object>();
        s.put("rungs", rungs);
        s.put("paused", List.copyOf(paused));
        return s;
    }

    void restore(Map<String, Object> state) {
        List<?> rungs = StateMaps.list(state, "rungs");
        if (rungs.size() != rungSteps.length) {
            throw new IllegalArgumentException("scheduler state has " + rungs.size() + " rungs; this scheduler has " + rungSteps.length
                    + " (was it built from another spec?)");
        }
        level.clear();
        paused.clear();
        for (int i = 0; i < rungSteps.length; i++) {
            Map<String, Object> r = StateMaps.map(rungs.get(i), "rungs[" + i + "]");
            if (StateMaps.getLong(r, "step") != rungSteps[i]) {
                throw new IllegalArgumentException("scheduler state: rung " + i + " is at step " + r.get("step") + ", expected " + rungSteps[i]);
            }
            recorded.get(i).clear();
            for (Object o : StateMaps.list(r, "recorded")) {
                List<?> pair = (List<?>) o;
                int t = StateMaps.intOf(pair.get(0), "recorded trial");
                recorded.get(i).put(t, StateMaps.doubleOf(pair.get(1), "recorded value"));
                level.merge(t, i, Math::max);
            }
            promoted.get(i).clear();
            promoted.get(i).addAll(StateMaps.ints(r, "promoted"));
        }
        paused.addAll(StateMaps.ints(state, "paused"));
    }

    static String fmt(double x) {
        return x == Math.rint(x) ? String.valueOf((long) x) : String.valueOf(x);
    }
}
