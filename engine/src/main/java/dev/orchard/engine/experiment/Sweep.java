package dev.orchard.engine.experiment;

import dev.orchard.engine.events.EngineEvent;
import dev.orchard.engine.events.EventBus;
import dev.orchard.engine.execute.TrialContext;
import dev.orchard.engine.execute.TrialRunner;
import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;
import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A running sweep: one control thread asks the optimizer for configurations, the scheduler says how many may start,
 * worker threads run the trials, and every change is published on the event bus (which the store records).
 * <p>
 * Control: {@link #pause()} lets running trials finish and launches no new ones; {@link #resume()} continues;
 * {@link #stop()} asks running trials to end (command trials are terminated) and ends the sweep. All three may be called
 * from any thread at any time and never block.
 * <p>
 * Results are told to the optimizer in trial-number order just before it is asked again, so a seeded sweep suggests
 * the same configurations however its parallel trials happen to finish.
 */
public final class Sweep {
    private static final Logger LOG = LoggerFactory.getLogger(Sweep.class);

    private final long experimentId;
    private final String name;
    private final int budget;
    private final Direction direction;
    private final Optimizer optimizer;
    private final Scheduler scheduler;
    private final TrialRunner runner;
    private final EventBus bus;
    private final Path logDir;
    private final ExecutorService workers;
    private final LinkedBlockingQueue<Object> inbox = new LinkedBlockingQueue<>();
    private final CompletableFuture<ExperimentStatus> done = new CompletableFuture<>();
    private final Map<Integer, Running> running = new HashMap<>();
    private final List<Finished> unobserved = new ArrayList<>();
    private final AtomicInteger finishedCount = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean stopRequested;
    private volatile ExperimentStatus status = ExperimentStatus.CREATED;
    private volatile Trial best;
    private int launched;
    private Thread control;

    private record Running(Trial trial, TrialControl control, java.util.concurrent.Future<?> future) {
    }

    private record Finished(Trial trial, TrialResult result) {
    }

    private static final Object WAKE = new Object();

    Sweep(long experimentId, String name, int budget, Direction direction, Optimizer optimizer, Scheduler scheduler,
          TrialRunner runner, EventBus bus, Path logDir) {
        this.experimentId = experimentId;
        this.name = name;
        this.budget = budget;
        this.direction = direction;
        this.optimizer = optimizer;
        this.scheduler = scheduler;
        this.runner = runner;
        this.bus = bus;
        this.logDir = logDir;
        AtomicInteger n = new AtomicInteger();
        this.workers = Executors.newFixedThreadPool(scheduler.slots(), r -> {
            Thread t = new Thread(r, "orchard-trial-" + experimentId + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    public long experimentId() {
        return experimentId;
    }

    public String name() {
        return name;
    }

    public int budget() {
        return budget;
    }

    public Direction direction() {
        return direction;
    }

    public ExperimentStatus status() {
        return status;
    }

    /** Trials that reached a final state so far. */
    public int finishedTrials() {
        return finishedCount.get();
    }

    /** The best completed trial so far. */
    public Optional<Trial> best() {
        return Optional.ofNullable(best);
    }

    /** Starts the control thread; returns at once. */
    public synchronized Sweep start() {
        if (control != null) {
            throw new IllegalStateException("sweep " + experimentId + " was already started");
        }
        control = new Thread(this::loop, "orchard-sweep-" + experimentId);
        control.setDaemon(true);
        control.start();
        return this;
    }

    /** Running trials finish; no new trial starts until {@link #resume()}. */
    public void pause() {
        if (!stopRequested && !status.finished()) {
            paused = true;
            inbox.add(WAKE);
        }
    }

    public void resume() {
        if (paused) {
            paused = false;
            inbox.add(WAKE);
        }
    }

    /** Ends the sweep: running trials are asked to stop (processes terminated), none is launched. */
    public void stop() {
        if (!status.finished()) {
            stopRequested = true;
            inbox.add(WAKE);
        }
    }

    public boolean isPaused() {
        return paused;
    }

    /** Waits for the sweep to end and returns its final status. */
    public ExperimentStatus await() throws InterruptedException {
        try {
            return done.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    /** Waits at most {@code timeout}; empty if the sweep is still running then. */
    public Optional<ExperimentStatus> await(Duration timeout) throws InterruptedException {
        try {
            return Optional.of(done.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    public CompletableFuture<ExperimentStatus> completion() {
        return done;
    }

    private void setStatus(ExperimentStatus s, String message) {
        if (status != s) {
            status = s;
            bus.publish(new EngineEvent.ExperimentStatusChanged(experimentId, s, message));
        }
    }

    private void loop() {
        ExperimentStatus end;
        String message = null;
        try {
            setStatus(ExperimentStatus.RUNNING, null);
            while (true) {
                if (!paused && !stopRequested) {
                    int n = scheduler.next(new Scheduler.SweepView(running.size(), scheduler.slots() - running.size(), budget - launched)).size();
                    if (n > 0) {
                        launch(n);
                    }
                }
                if (running.isEmpty()) {
                    if (stopRequested || launched >= budget) {
                        break;
                    }
                    if (paused) {
                        setStatus(ExperimentStatus.PAUSED, null);
                    }
                } else if (stopRequested) {
                    if (status != ExperimentStatus.STOPPING) {
                        // Wake trials that sleep or wait; command trials are terminated by their watchdog.
                        stopRunning();
                    }
                    setStatus(ExperimentStatus.STOPPING, null);
                } else if (paused) {
                    setStatus(ExperimentStatus.PAUSING, null);
                }
                if (!paused && !stopRequested && status != ExperimentStatus.RUNNING) {
                    setStatus(ExperimentStatus.RUNNING, null);
                }
                if (running.isEmpty() && !paused && !stopRequested && launched < budget
                        && scheduler.next(new Scheduler.SweepView(0, scheduler.slots(), budget - launched)).isEmpty()) {
                    throw new IllegalStateException("the scheduler launches no trial although none runs");
                }
                Object msg = inbox.take();
                if (msg instanceof Finished f) {
                    finish(f);
                }
            }
            observePending();
            end = stopRequested ? ExperimentStatus.STOPPED : ExperimentStatus.COMPLETED;
        } catch (InterruptedException e) {
            end = ExperimentStatus.STOPPED;
            message = "interrupted";
        } catch (RuntimeException e) {
            LOG.error("sweep {} failed", experimentId, e);
            end = ExperimentStatus.FAILED;
            message = e.getMessage() == null ? e.toString() : e.getMessage();
            stopRequested = true;
            stopRunning();
            drainRunning();
        }
        workers.shutdownNow();
        setStatus(end, message);
        done.complete(end);
    }

    /** After a failure of the control loop: waits briefly for running trials so their results are still recorded. */
    private void drainRunning() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!running.isEmpty() && System.nanoTime() < deadline) {
            try {
                Object msg = inbox.poll(100, TimeUnit.MILLISECONDS);
                if (msg instanceof Finished f) {
                    running.remove(f.trial.number());
                    publishFinished(f);
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void launch(int n) {
        observePending();
        List<Map<String, Object>> configs = optimizer.suggest(n);
        if (configs.isEmpty()) {
            // The optimizer has nothing left (a finite space is exhausted): end as if the budget were spent.
            launched = budget;
            return;
        }
        for (Map<String, Object> params : configs) {
            int number = launched++;
            Trial trial = Trial.started(experimentId, number, params, Instant.now());
            TrialControl tc = new TrialControl();
            bus.publish(new EngineEvent.TrialStarted(trial));
            running.put(number, new Running(trial, tc, workers.submit(() -> runTrial(trial, tc))));
        }
    }

    /**
     * Asks every running trial to stop and wakes those that sleep or wait. A trial whose task has not begun yet is
     * ended here: cancelling a task that never ran would otherwise leave it running forever in the sweep's eyes.
     */
    private void stopRunning() {
        for (Running r : running.values()) {
            r.control.stop = true;
            if (r.control.claimed.compareAndSet(false, true)) {
                r.future.cancel(false);
                inbox.add(new Finished(r.trial, TrialResult.stopped(-1)));
            } else {
                r.future.cancel(true);
            }
        }
    }

    private void runTrial(Trial trial, TrialControl tc) {
        if (!tc.claimed.compareAndSet(false, true)) {
            return; // stopped before it began: the control thread has ended it
        }
        TrialResult result;
        try {
            result = runner.run(new Context(trial, tc));
        } catch (Throwable t) {
            result = TrialResult.failed("the trial runner failed: " + t, -1);
        }
        inbox.add(new Finished(trial, result));
    }

    private void finish(Finished f) {
        running.remove(f.trial.number());
        Trial t = publishFinished(f);
        unobserved.add(new Finished(t, f.result));
        if (t.state() == TrialState.COMPLETED && t.value().isPresent()
                && (best == null || direction.better(t.value().getAsDouble(), best.value().getAsDouble()))) {
            best = t;
        }
    }

    private Trial publishFinished(Finished f) {
        TrialResult r = f.result;
        Trial t = f.trial.finish(r.state(), r.value(), r.lastStep(), r.error(), Instant.now());
        finishedCount.incrementAndGet();
        bus.publish(new EngineEvent.TrialFinished(t));
        return t;
    }

    private void observePending() {
        if (unobserved.isEmpty()) {
            return;
        }
        unobserved.sort(Comparator.comparingInt(f -> f.trial.number()));
        for (Finished f : unobserved) {
            Trial t = f.trial;
            // Stopped trials (cut short by the user) are told too, without a value: they say nothing about the
            // configuration, but an optimizer that tracks pending suggestions must learn they ended.
            OptionalDouble v = t.state() == TrialState.FAILED || t.state() == TrialState.STOPPED ? OptionalDouble.empty() : t.value();
            Observation o = new Observation(t.number(), t.params(), t.state(), v);
            if (t.finishedAt().isPresent()) {
                o = o.withCost(Math.max(0, java.time.Duration.between(t.startedAt(), t.finishedAt().get()).toNanos() / 1e9));
            }
            optimizer.observe(o);
        }
        unobserved.clear();
    }

    /** Per-trial stop flag, set by {@link #stop()} through the sweep. */
    private static final class TrialControl {
        volatile boolean stop;
        /** Taken by whichever comes first: the worker that runs the trial, or a stop before it began. */
        final java.util.concurrent.atomic.AtomicBoolean claimed = new java.util.concurrent.atomic.AtomicBoolean();
    }

    private final class Context implements TrialContext {
        private final Trial trial;
        private final TrialControl control;

        Context(Trial trial, TrialControl control) {
            this.trial = trial;
            this.control = control;
        }

        @Override
        public long experimentId() {
            return experimentId;
        }

        @Override
        public int number() {
            return trial.number();
        }

        @Override
        public Map<String, Object> params() {
            return trial.params();
        }

        @Override
        public void report(long step, Map<String, Double> values) {
            if (step < 0) {
                throw new IllegalArgumentException("step must be >= 0, got " + step);
            }
            for (var e : values.entrySet()) {
                if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                    throw new IllegalArgumentException("metric '" + e.getKey() + "' at step " + step + " is " + e.getValue()
                            + ", not a finite number");
                }
            }
            bus.publish(new EngineEvent.TrialMetrics(experimentId, trial.number(), step, Map.copyOf(values),
                    System.currentTimeMillis()));
        }

        @Override
        public boolean stopRequested() {
            return stopRequested || control.stop;
        }

        @Override
        public Path logFile() {
            return logDir.resolve(String.valueOf(experimentId)).resolve("trial-" + trial.number() + ".log");
        }
    }
}
