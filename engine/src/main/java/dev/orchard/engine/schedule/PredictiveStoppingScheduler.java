package dev.orchard.engine.schedule;

import dev.orchard.engine.predict.CurveForecaster;
import dev.orchard.engine.trial.Direction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Predictive early stopping: a trial reporting at step {@code s ≥ grace} is stopped when the optimistic end of its
 * forecast 80 % band at {@code max_steps} (the upper bound when maximizing) cannot beat the best value a trial has
 * reached at {@code max_steps}, once {@code min_trials} trials have got there. The forecaster is a trained curve model
 * ({@code model}: its directory) conditioned on the trial's reports so far, or, without one, the change the sweep's own
 * completed trials showed from step s to the end. New trials fill every free slot while budget remains.
 */
public final class PredictiveStoppingScheduler implements Scheduler {

    public record Settings(int slots, long grace, long maxSteps, int minTrials) {
        public Settings {
            if (slots < 1 || grace < 1 || maxSteps < 1 || minTrials < 1) {
                throw new IllegalArgumentException("parallel, grace, max_steps and min_trials must be at least 1");
            }
        }
    }

    private static final class Curve {
        long[] steps = new long[8];
        double[] values = new double[8];
        int n;

        void add(long step, double value) {
            if (n > 0 && step <= steps[n - 1]) {
                int keep = Arrays.binarySearch(steps, 0, n, step);
                n = keep >= 0 ? keep : -keep - 1; // a restart from an earlier checkpoint replaces the later history
            }
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, 2 * n);
                values = Arrays.copyOf(values, 2 * n);
            }
            steps[n] = step;
            values[n++] = value;
        }
    }

    private final Settings settings;
    private final Direction direction;
    private final CurveForecaster forecaster;
    private final Map<Integer, Map<String, Object>> params = new LinkedHashMap<>();
    private final Map<Integer, Curve> curves = new LinkedHashMap<>();
    private final List<Integer> finished = new ArrayList<>();
    private double best = Double.NaN;
    private boolean replaying;

    public PredictiveStoppingScheduler(Settings settings, Direction direction, CurveForecaster forecaster) {
        this.settings = settings;
        this.direction = direction;
        this.forecaster = forecaster;
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    @Override
    public List<Launch> next(SweepView view) {
        return Scheduler.freshForFreeSlots(view);
    }

    @Override
    public void onStarted(int trial, Map<String, Object> p, Launch how) {
        params.put(trial, Map.copyOf(p));
    }

    private boolean better(double a, double b) {
        return Double.isNaN(b) || (direction == Direction.MAXIMIZE ? a > b : a < b);
    }

    @Override
    public Decision onReport(int trial, long step, double value) {
        Curve c = curves.computeIfAbsent(trial, t -> new Curve());
        c.add(step, value);
        if (step >= settings.maxSteps()) {
            if (!finished.contains(trial)) {
                finished.add(trial);
                forecaster.completed(params.getOrDefault(trial, Map.of()), Arrays.copyOf(c.steps, c.n), Arrays.copyOf(c.values, c.n));
            }
            if (better(value, best)) {
                best = value;
            }
            return Decision.CONTINUE;
        }
        if (replaying || step < settings.grace() || finished.size() < settings.minTrials()) {
            return Decision.CONTINUE;
        }
        Optional<CurveForecaster.Forecast> f = forecaster.forecast(params.getOrDefault(trial, Map.of()), Arrays.copyOf(c.steps, c.n),
                Arrays.copyOf(c.values, c.n), settings.maxSteps());
        if (f.isEmpty()) {
            return Decision.CONTINUE;
        }
        double optimistic = direction == Direction.MAXIMIZE ? f.get().upper() : f.get().lower();
        if (better(best, optimistic)) {
            var d = new LinkedHashMap<String, Object>();
            d.put("step", step);
            d.put("forecast", f.get().mean());
            d.put("band_bound", optimistic);
            d.put("best", best);
            return Decision.stop("the forecast at step " + settings.maxSteps() + " (" + f.get().mean() + ", 80 % band bound " + optimistic
                    + ") cannot beat the best " + best, d);
        }
        return Decision.CONTINUE;
    }

    @Override
    public Map<String, Object> state() {
        var trials = new LinkedHashMap<String, Object>();
        curves.forEach((t, c) -> {
            var points = new ArrayList<List<Object>>();
            for (int i = 0; i < c.n; i++) {
                points.add(List.of(c.steps[i], c.values[i]));
            }
            var m = new LinkedHashMap<String, Object>();
            m.put("params", params.getOrDefault(t, Map.of()));
            m.put("points", points);
            trials.put(String.valueOf(t), m);
        });
        return Map.of("trials", trials);
    }

    @Override
    public void restore(Map<String, Object> state) {
        curves.clear();
        params.clear();
        finished.clear();
        best = Double.NaN;
        replaying = true;
        StateMaps.map(StateMaps.get(state, "trials"), "trials").forEach((k, v) -> {
            int t = Integer.parseInt(k);
            Map<String, Object> m = StateMaps.map(v, "trials." + k);
            params.put(t, StateMaps.map(StateMaps.get(m, "params"), "params"));
            for (Object o : (List<?>) StateMaps.get(m, "points")) {
                List<?> p = (List<?>) o;
                onReport(t, StateMaps.longOf(p.get(0), "step"), StateMaps.doubleOf(p.get(1), "value"));
            }
        });
        replaying = false;
    }
}
