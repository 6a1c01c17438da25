package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * Hyperband as asynchronous brackets of successive halving (as Optuna's HyperbandPruner). With
 * {@code s_max = ⌊log_η(maxSteps/grace)⌋} there are {@code s_max + 1} brackets; bracket {@code b} is an ASHA bracket whose
 * first rung is at {@code ⌊grace·η^b⌋} (bracket 0 stops most eagerly; a bracket whose grace reaches {@code maxSteps} has no
 * rungs and runs every trial to the end). Each new trial joins one bracket when it starts, in proportion to the number of
 * configurations the bracket gets in the original Hyperband (Li et al. 2018): bracket {@code b} (with {@code s = s_max − b}
 * halvings) weighs {@code ⌈(s_max + 1)·η^s / (s + 1)⌉}. The assignment is smooth weighted round-robin (each start adds every
 * bracket's weight to its credit, the bracket with most credit (lowest number on ties) takes the trial and pays the
 * total), so it is deterministic and over any {@code Σ weights} consecutive trials exactly proportional. Rung decisions
 * and promotions (in {@code promote} mode) happen within a trial's bracket; decisions carry {@code "bracket"}.
 */
public final class HyperbandScheduler implements Scheduler {
    private final AshaScheduler.Settings settings;
    private final List<SuccessiveHalving> brackets = new ArrayList<>();
    private final long[] weights;
    private final long[] credit;
    private final Map<Integer, Integer> bracketOf = new HashMap<>();

    public HyperbandScheduler(AshaScheduler.Settings settings, Direction direction) {
        this.settings = settings;
        int sMax = sMax(settings.grace(), settings.eta(), settings.maxSteps());
        weights = weights(sMax, settings.eta());
        credit = new long[weights.length];
        for (int b = 0; b <= sMax; b++) {
            long grace = (long) Math.floor(settings.grace() * Math.pow(settings.eta(), b) + 1e-9);
            brackets.add(new SuccessiveHalving(grace, settings.eta(), settings.maxSteps(), settings.mode(), direction));
        }
    }

    /** The largest s with {@code grace·η^s ≤ maxSteps}: ⌊log_η(maxSteps/grace)⌋ without the rounding of a logarithm. */
    static int sMax(long grace, double eta, long maxSteps) {
        int s = 0;
        while (Math.floor(grace * Math.pow(eta, s + 1) + 1e-9) <= maxSteps) {
            s++;
        }
        return s;
    }

    /** Bracket b's share: ⌈(s_max + 1)·η^s / (s + 1)⌉ with s = s_max − b, Hyperband's number of configurations. */
    static long[] weights(int sMax, double eta) {
        long[] w = new long[sMax + 1];
        for (int b = 0; b <= sMax; b++) {
            int s = sMax - b;
            w[b] = (long) Math.ceil((sMax + 1) * Math.pow(eta, s) / (s + 1) - 1e-9);
        }
        return w;
    }

    public int brackets() {
        return brackets.size();
    }

    /** Bracket b's grace (its first rung) and rung steps. */
    public long[] rungSteps(int bracket) {
        return brackets.get(bracket).rungSteps();
    }

    public long[] weights() {
        return weights.clone();
    }

    /** The bracket a started trial belongs to. */
    public java.util.OptionalInt bracketOf(int trial) {
        Integer b = bracketOf.get(trial);
        return b == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(b);
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    @Override
    public List<Launch> next(SweepView view) {
        var out = new ArrayList<Launch>();
        if (settings.mode() == AshaScheduler.Mode.PROMOTE) {
            var all = new ArrayList<Map.Entry<Integer, SuccessiveHalving.Promotion>>();
            for (int b = 0; b < brackets.size(); b++) {
                for (var p : brackets.get(b).promotions()) {
                    all.add(Map.entry(b, p));
                }
            }
            // the furthest-trained first, across brackets; a stable sort keeps bracket and rank order on ties
            all.sort(Comparator.comparingLong((Map.Entry<Integer, SuccessiveHalving.Promotion> e) -> e.getValue().rungStep()).reversed());
            for (var e : all) {
                if (out.size() >= view.freeSlots()) {
                    break;
                }
                brackets.get(e.getKey()).promote(e.getValue());
                out.add(new Launch.Resume(e.getValue().trial(), "bracket " + e.getKey() + ": " + AshaScheduler.promotionReason(e.getValue())));
            }
        }
        int fresh = Math.min(view.freeSlots() - out.size(), view.remainingBudget());
        out.addAll(Collections.nCopies(Math.max(0, fresh), Launch.FRESH));
        return out;
    }

    @Override
    public void onStarted(int trial, Map<String, Object> params, Launch how) {
        bracket(trial);
    }

    /** The trial's bracket, assigned on first sight by smooth weighted round-robin. */
    private int bracket(int trial) {
        Integer b = bracketOf.get(trial);
        if (b != null) {
            return b;
        }
        long total = 0;
        int pick = 0;
        for (int i = 0; i < weights.length; i++) {
            credit[i] += weights[i];
            total += weights[i];
            if (credit[i] > credit[pick]) {
                pick = i;
            }
        }
        credit[pick] -= total;
        bracketOf.put(trial, pick);
        return pick;
    }

    @Override
    public Decision onReport(int trial, long step, double value) {
        int b = bracket(trial);
        return brackets.get(b).onReport(trial, step, value).with("bracket", b);
    }

    @Override
    public void onEnded(int trial, TrialState state, OptionalDouble value, long lastStep) {
        Integer b = bracketOf.get(trial);
        if (b != null) {
            brackets.get(b).onEnded(trial, state);
        }
    }

    @Override
    public Map<String, Object> state() {
        var s = new LinkedHashMap<String, Object>();
        s.put("credit", java.util.Arrays.stream(credit).boxed().toList());
        var assigned = new LinkedHashMap<String, Object>();
        bracketOf.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> assigned.put(String.valueOf(e.getKey()), e.getValue()));
        s.put("bracket_of", assigned);
        s.put("brackets", brackets.stream().map(SuccessiveHalving::state).toList());
        return s;
    }

    @Override
    public void restore(Map<String, Object> state) {
        List<?> c = StateMaps.list(state, "credit");
        List<?> bs = StateMaps.list(state, "brackets");
        if (c.size() != brackets.size() || bs.size() != brackets.size()) {
            throw new IllegalArgumentException("scheduler state has " + bs.size() + " brackets; this scheduler has " + brackets.size());
        }
        for (int i = 0; i < credit.length; i++) {
            credit[i] = StateMaps.longOf(c.get(i), "credit");
        }
        bracketOf.clear();
        StateMaps.map(StateMaps.get(state, "bracket_of"), "bracket_of")
                .forEach((k, v) -> bracketOf.put(Integer.parseInt(k), StateMaps.intOf(v, "bracket_of")));
        for (int i = 0; i < brackets.size(); i++) {
            brackets.get(i).restore(StateMaps.map(bs.get(i), "brackets[" + i + "]"));
        }
    }
}
