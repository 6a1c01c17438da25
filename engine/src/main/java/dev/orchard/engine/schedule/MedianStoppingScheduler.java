package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.Direction;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The median stopping rule of Google Vizier (Golovin et al. 2017), in its asynchronous form: a trial reporting at step
 * {@code s ≥ grace} is stopped when its best value so far is strictly worse than the median of the running averages at
 * step {@code s} of the other trials that have reached step {@code s}, provided there are at least {@code minTrials} such
 * trials. The running average of a trial at {@code s} is the mean of the values it reported at steps {@code ≤ s}; "reached"
 * means it reported at or before {@code s} and again at {@code s} or later, whether it still runs, completed, or was stopped after {@code s}. (Vizier and
 * Ray Tune compare with completed trials only, which stops nothing until {@code minTrials} trials have finished; Optuna's
 * MedianPruner compares with the values reported at exactly step {@code s}.) The median of an even count is the mean of the
 * two middle values. New trials fill every free slot while budget remains.
 */
public final class MedianStoppingScheduler implements Scheduler {

    public record Settings(int slots, long grace, int minTrials) {
        public Settings {
            if (slots < 1) {
                throw new IllegalArgumentException("parallel must be at least 1, got " + slots);
            }
            if (grace < 1) {
                throw new IllegalArgumentException("grace must be at least 1 step, got " + grace);
            }
            if (minTrials < 1) {
                throw new IllegalArgumentException("min_trials must be at least 1, got " + minTrials);
            }
        }
    }

    /** One trial's reports: steps ascending, values, prefix sums for running averages, and its best score. */
    private static final class Curve {
        long[] steps = new long[8];
        double[] values = new double[8];
        double[] prefix = new double[8];
        double[] scores = new double[8];
        int n;
        double best = Double.NEGATIVE_INFINITY;

        void add(long step, double value, double score) {
            if (n > 0 && step <= steps[n - 1]) {
                // a trial restarted from an earlier checkpoint reports its steps again: the new history replaces the old
                int keep = Arrays.binarySearch(steps, 0, n, step);
                n = keep >= 0 ? keep : -keep - 1;
                best = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    best = Math.max(best, scores[i]);
                }
            }
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, n * 2);
                values = Arrays.copyOf(values, n * 2);
                prefix = Arrays.copyOf(prefix, n * 2);
                scores = Arrays.copyOf(scores, n * 2);
            }
            steps[n] = step;
            values[n] = value;
            prefix[n] = (n == 0 ? 0 : prefix[n - 1]) + value;
            scores[n] = score;
            n++;
            best = Math.max(best, score);
        }

        long lastStep() {
            return n == 0 ? Long.MIN_VALUE : steps[n - 1];
        }

        /** Mean of the values at steps ≤ s; NaN when the first report came after s. */
        double runningAverage(long s) {
            int i = Arrays.binarySearch(steps, 0, n, s);
            int count = i >= 0 ? i + 1 : -i - 1;
            return count == 0 ? Double.NaN : prefix[count - 1] / count;
        }
    }

    private final Settings settings;
    private final Direction direction;
    private final Map<Integer, Curve> curves = new LinkedHashMap<>();

    public MedianStoppingScheduler(Settings settings, Direction direction) {
        this.settings = settings;
        this.direction = direction;
    }

    @Override
    public int slots() {
        return settings.slots();
    }

    @Override
    public List<Launch> next(SweepView view) {
        return Scheduler.freshForFreeSlots(view);
    }

    private double score(double value) {
        return -direction.toLoss(value);
    }

    @Override
    public Decision onReport(int trial, long step, double value) {
        Curve mine = curves.computeIfAbsent(trial, t -> new Curve());
        mine.add(step, value, score(value));
        if (step < settings.grace()) {
            return Decision.CONTINUE;
        }
        var averages = new ArrayList<Double>();
        for (var e : curves.entrySet()) {
            Curve c = e.getValue();
            if (e.getKey() != trial && c.n > 0 && c.lastStep() >= step && c.steps[0] <= step) {
                averages.add(score(c.runningAverage(step)));
            }
        }
        if (averages.size() < settings.minTrials()) {
            return Decision.CONTINUE;
        }
        double median = Stats.median(averages.stream().mapToDouble(Double::doubleValue).toArray());
        if (mine.best < median) {
            var d = new LinkedHashMap<String, Object>();
            d.put("step", step);
            d.put("best", unscore(mine.best));
            d.put("median", unscore(median));
            d.put("compared", averages.size());
            return Decision.stop("best value " + unscore(mine.best) + " is worse than the median " + unscore(median)
                    + " of " + averages.size() + " trials' running averages at step " + step, d);
        }
        return Decision.CONTINUE;
    }

    private double unscore(double score) {
        return direction == Direction.MAXIMIZE ? score : -score;
    }

    @Override
    public Map<String, Object> state() {
        var trials = new LinkedHashMap<String, Object>();
        curves.forEach((t, c) -> {
            var points = new ArrayList<List<Object>>();
            for (int i = 0; i < c.n; i++) {
                points.add(List.of(c.steps[i], c.values[i]));
            }
            trials.put(String.valueOf(t), points);
        });
        return Map.of("trials", trials);
    }

    @Override
    public void restore(Map<String, Object> state) {
        curves.clear();
        StateMaps.map(StateMaps.get(state, "trials"), "trials").forEach((k, v) -> {
            Curve c = new Curve();
            for (Object o : (List<?>) v) {
                List<?> p = (List<?>) o;
                double value = StateMaps.doubleOf(p.get(1), "value");
                c.add(StateMaps.longOf(p.get(0), "step"), value, score(value));
            }
            curves.put(Integer.parseInt(k), c);
        });
    }
}
