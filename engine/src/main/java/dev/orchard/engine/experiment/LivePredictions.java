package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.predict.CurveForecaster;
import dev.orchard.engine.predict.CurveRuns;
import dev.orchard.engine.predict.DriftForecaster;
import dev.orchard.engine.predict.ModelForecaster;
import dev.orchard.engine.predict.Prediction;
import dev.orchard.engine.trial.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Predicts the rest of every running trial's curve while a sweep runs (the spec's {@code "predict"}), and publishes each
 * prediction as {@link EngineEvent.CurvePrediction} (the history writer stores it; live views show it).
 *
 * <p>It listens to the sweep's events on the bus: a trial's reports of the sweep's metric are collected as they come
 * (on the trial's thread, a few array writes under a lock); every {@code every} new reports a prediction of that trial
 * is queued on one forecasting thread of its own, at most one queued per trial (a queued one uses the latest points
 * when it runs), so the sweep never waits for a forecaster and a slow one never piles up work. Completed trials teach
 * the fallback forecaster ({@code drift}). The forecaster is only touched from the forecasting thread.
 */
public final class LivePredictions implements Consumer<EngineEvent>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LivePredictions.class);

    /** What forecasts: a trained model, or the sweep's own completed trials; made before the experiment is stored. */
    static final class Forecasting {
        final Optional<ModelForecaster> model;
        /** The model's x: a metric the trials report with the curve, {@code @index}, or anything else for the step. */
        final String xField;
        final DriftForecaster drift;
        final String name;
        final long horizon;
        final int every;
        final int points;

        private Forecasting(Optional<ModelForecaster> model, String xField, DriftForecaster drift, String name, long horizon, int every,
                            int points) {
            this.model = model;
            this.xField = xField;
            this.drift = drift;
            this.name = name;
            this.horizon = horizon;
            this.every = every;
            this.points = points;
        }

        /**
         * The forecasting of a spec with a {@code predict}: its model, else the predictive scheduler's model, else drift
         * over completed trials. Empty for a spec without {@code predict}. Loading a model can fail (a parameter file
         * changed since validation): that is an error now, before anything runs.
         */
        static Optional<Forecasting> of(ExperimentSpec spec) {
            PredictSpec p = spec.predict();
            if (p == null) {
                return Optional.empty();
            }
            String dir = p.model() != null ? p.model()
                    : "predictive".equals(spec.scheduler().type()) ? spec.scheduler().model() : null;
            long horizon = p.horizon() != null ? p.horizon()
                    : spec.scheduler().maxSteps() != null ? spec.scheduler().maxSteps() : -1;
            Optional<ModelForecaster> model = dir == null ? Optional.empty() : Optional.of(ModelForecaster.load(Path.of(dir)));
            String xField = "step";
            if (dir != null) {
                try {
                    xField = dev.orchard.engine.predict.CurveModelFiles.manifest(Path.of(dir)).x();
                } catch (java.io.IOException e) {
                    throw new dev.orchard.engine.predict.CurveDataException(dir + ": " + e.getMessage());
                }
            }
            String name = dir == null ? "drift" : Path.of(dir).toAbsolutePath().normalize().toString();
            return Optional.of(new Forecasting(model, xField, new DriftForecaster(p.minTrialsOrDefault()), name, horizon,
                    p.everyOrDefault(), p.pointsOrDefault()));
        }
    }

    private static final class TrialCurve {
        final Map<String, Object> params;
        long[] steps = new long[16];
        /** x as the model knows it: the value of its x metric at the step, the point's index + 1, or the step. */
        double[] xs = new double[16];
        double[] values = new double[16];
        int n;
        int sincePredicted;
        boolean queued;

        TrialCurve(Map<String, Object> params) {
            this.params = params;
        }

        void add(long step, double value, Double x, boolean index) {
            if (n > 0 && step <= steps[n - 1]) {
                truncate(step);
            }
            if (n == steps.length) {
                steps = Arrays.copyOf(steps, 2 * n);
                xs = Arrays.copyOf(xs, 2 * n);
                values = Arrays.copyOf(values, 2 * n);
            }
            steps[n] = step;
            xs[n] = index ? n + 1 : x != null ? x : step; // as CurveRuns.fromHistory reads a trial
            values[n++] = value;
        }

        /** Drops the points from {@code step} on (the trial restarted from an earlier checkpoint). */
        void truncate(long step) {
            int i = Arrays.binarySearch(steps, 0, n, step);
            n = i >= 0 ? i : -i - 1;
        }
    }

    private final long experimentId;
    private final String metric;
    private final Forecasting forecasting;
    private final EventBus bus;
    private final ExecutorService thread;
    private final Map<Integer, TrialCurve> curves = new HashMap<>();
    /** Steps at which completed trials reported (the drift forecaster's x); forecasting thread only. */
    private final TreeSet<Long> completedSteps = new TreeSet<>();
    private final Set<Integer> failedOnce = new HashSet<>();
    /** Whether trials report the model's x metric (then forecasts are at that x, not at steps). */
    private volatile boolean reportsX;
    private volatile AutoCloseable subscription;

    LivePredictions(long experimentId, String metric, Forecasting forecasting, EventBus bus) {
        this.experimentId = experimentId;
        this.metric = metric;
        this.forecasting = forecasting;
        this.bus = bus;
        this.thread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "orchard-predict-" + experimentId);
            t.setDaemon(true);
            return t;
        });
    }

    /** Subscribes to the bus; returns itself. */
    LivePredictions start() {
        subscription = bus.subscribe(this);
        return this;
    }

    /**
     * A resumed sweep's history: completed trials teach the drift forecaster, and trials that will continue keep the
     * points they reported before (a restart's first report rewinds what came after its checkpoint). Call before the
     * sweep starts.
     */
    void seed(java.util.Collection<dev.orchard.engine.trial.Trial> trials,
              java.util.function.IntFunction<List<dev.orchard.engine.trial.MetricPoint>> metrics) {
        for (var t : trials) {
            boolean completed = t.state() == TrialState.COMPLETED;
            boolean continues = t.state() == TrialState.RUNNING || t.state() == TrialState.PENDING || t.state() == TrialState.PAUSED;
            if (!completed && !continues) {
                continue;
            }
            TrialCurve c = new TrialCurve(Map.copyOf(t.params()));
            var points = metrics.apply(t.number());
            var xAt = new HashMap<Long, Double>();
            for (var m : points) {
                if (m.name().equals(forecasting.xField)) {
                    xAt.put(m.step(), m.value());
                    reportsX = true;
                }
            }
            for (var m : points) {
                if (m.name().equals(metric)) {
                    c.add(m.step(), m.value(), xAt.get(m.step()), CurveRuns.INDEX.equals(forecasting.xField));
                }
            }
            if (continues) {
                synchronized (this) {
                    curves.put(t.number(), c);
                }
            } else if (c.n > 0) {
                long[] s = Arrays.copyOf(c.steps, c.n);
                double[] v = Arrays.copyOf(c.values, c.n);
                submit(() -> {
                    forecasting.drift.completed(c.params, s, v);
                    for (long step : s) {
                        completedSteps.add(step);
                    }
                });
            }
        }
    }

    @Override
    public void accept(EngineEvent event) {
        if (event.experimentId() != experimentId) {
            return;
        }
        if (event instanceof EngineEvent.TrialStarted s) {
            synchronized (this) {
                curves.computeIfAbsent(s.trial().number(), k -> new TrialCurve(Map.copyOf(s.trial().params())));
            }
        } else if (event instanceof EngineEvent.TrialMetrics m) {
            Double v = m.values().get(metric);
            if (v == null) {
                return;
            }
            boolean queue = false;
            synchronized (this) {
                TrialCurve c = curves.get(m.trial());
                if (c == null) {
                    return; // not started as far as we know (its start came before we subscribed)
                }
                Double x = m.values().get(forecasting.xField);
                if (x != null && !reportsX) {
                    reportsX = true;
                }
                c.add(m.step(), v, x, CurveRuns.INDEX.equals(forecasting.xField));
                if (++c.sincePredicted >= forecasting.every && !c.queued) {
                    c.queued = true;
                    c.sincePredicted = 0;
                    queue = true;
                }
            }
            if (queue) {
                submit(() -> predict(m.trial()));
            }
        } else if (event instanceof EngineEvent.TrialRewound r) {
            synchronized (this) {
                TrialCurve c = curves.get(r.trial());
                if (c != null) {
                    c.truncate(r.fromStep());
                }
            }
        } else if (event instanceof EngineEvent.TrialFinished f) {
            TrialCurve c;
            long[] s;
            double[] v;
            synchronized (this) {
                c = curves.remove(f.trial().number());
                if (c == null || c.n == 0 || f.trial().state() != TrialState.COMPLETED) {
                    return;
                }
                s = Arrays.copyOf(c.steps, c.n);
                v = Arrays.copyOf(c.values, c.n);
            }
            submit(() -> {
                forecasting.drift.completed(c.params, s, v);
                for (long step : s) {
                    completedSteps.add(step);
                }
            });
        } else if (event instanceof EngineEvent.TrialPaused p) {
            synchronized (this) {
                TrialCurve c = curves.get(p.trial().number());
                if (c != null) {
                    c.sincePredicted = 0;
                }
            }
        }
    }

    private void submit(Runnable task) {
        try {
            thread.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // the sweep ended: nothing to predict any more
        }
    }

    /** On the forecasting thread: the trial's latest points, forecast and published. */
    private void predict(int trial) {
        long[] s;
        double[] xs;
        double[] v;
        Map<String, Object> params;
        synchronized (this) {
            TrialCurve c = curves.get(trial);
            if (c == null) {
                return; // it ended meanwhile
            }
            c.queued = false;
            if (c.n == 0) {
                return;
            }
            s = Arrays.copyOf(c.steps, c.n);
            xs = Arrays.copyOf(c.xs, c.n);
            v = Arrays.copyOf(c.values, c.n);
            params = c.params;
        }
        try {
            forecast(params, s, xs, v).ifPresent(f -> bus.publish(new EngineEvent.CurvePrediction(experimentId, trial, s[s.length - 1],
                    s.length, metric, f.x(), f.mean(), f.lower(), f.upper(), forecasting.name)));
        } catch (RuntimeException e) {
            if (failedOnce.add(trial)) {
                LOG.warn("experiment {}: cannot predict the curve of trial {}: {}", experimentId, trial, e.getMessage());
            }
        }
    }

    /** The forecast at the steps after the last observed one, up to the horizon, or empty while there is nothing to go on. */
    Optional<Prediction> forecast(Map<String, Object> params, long[] s, double[] xs, double[] v) {
        long last = s[s.length - 1];
        if (forecasting.model.isPresent()) {
            Prediction p = forecasting.model.get().predictCurveAt("trial", params, xs, v);
            double lastX = xs[xs.length - 1];
            // the horizon is a step: it bounds the model's x only when that is the step
            boolean xIsStep = !CurveRuns.INDEX.equals(forecasting.xField) && !reportsX;
            var keep = new ArrayList<Integer>();
            for (int i = 0; i < p.x().length; i++) {
                if (p.x()[i] > lastX && (forecasting.horizon < 0 || !xIsStep || p.x()[i] <= forecasting.horizon)) {
                    keep.add(i);
                }
            }
            List<Integer> idx = thin(keep, forecasting.points);
            if (idx.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Prediction("trial", pick(p.x(), idx), pick(p.mean(), idx), pick(p.lower(), idx), pick(p.upper(), idx)));
        }
        long horizon = forecasting.horizon >= 0 ? forecasting.horizon : completedSteps.isEmpty() ? -1 : completedSteps.last();
        var ahead = new ArrayList<Long>(horizon < 0 ? Set.of() : completedSteps.subSet(last, false, horizon, true));
        if (horizon > last && (ahead.isEmpty() || ahead.get(ahead.size() - 1) != horizon)) {
            ahead.add(horizon);
        }
        List<Long> steps = thin(ahead, forecasting.points);
        int k = steps.size();
        double[] x = new double[k];
        double[] mean = new double[k];
        double[] lower = new double[k];
        double[] upper = new double[k];
        for (int i = 0; i < k; i++) {
            Optional<CurveForecaster.Forecast> f = forecasting.drift.forecast(params, s, v, steps.get(i));
            if (f.isEmpty()) {
                return Optional.empty(); // fewer completed trials than min_trials
            }
            x[i] = steps.get(i);
            mean[i] = f.get().mean();
            lower[i] = Math.min(f.get().lower(), f.get().mean());
            upper[i] = Math.max(f.get().upper(), f.get().mean());
        }
        return k == 0 ? Optional.empty() : Optional.of(new Prediction("trial", x, mean, lower, upper));
    }

    /** At most {@code max} of the items, evenly spread, always keeping the last. */
    static <T> List<T> thin(List<T> items, int max) {
        if (items.size() <= max) {
            return items;
        }
        var out = new ArrayList<T>(max);
        for (int i = 0; i < max; i++) {
            out.add(items.get((int) Math.round((double) (i + 1) * items.size() / max) - 1));
        }
        return out;
    }

    private static double[] pick(double[] a, List<Integer> idx) {
        double[] out = new double[idx.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a[idx.get(i)];
        }
        return out;
    }

    /** Waits until every prediction queued so far was published (or {@code timeoutMillis} passed). */
    void awaitIdle(long timeoutMillis) {
        if (thread.isShutdown()) {
            try {
                thread.awaitTermination(timeoutMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        try {
            thread.submit(() -> {
            }).get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException | java.util.concurrent.ExecutionException
                 | java.util.concurrent.TimeoutException e) {
            // closed meanwhile, or slow: the caller reads what is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops listening; predictions already queued are still published, then the model is released. */
    @Override
    public void close() {
        try {
            AutoCloseable sub = subscription;
            if (sub != null) {
                sub.close();
            }
        } catch (Exception ignored) {
            // unsubscribing cannot fail
        }
        submit(() -> forecasting.model.ifPresent(ModelForecaster::close));
        thread.shutdown();
    }
}
