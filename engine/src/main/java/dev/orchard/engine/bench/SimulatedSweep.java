package dev.orchard.engine.bench;

import dev.orchard.engine.optimize.Observation;
import dev.orchard.engine.optimize.Optimizer;
import dev.orchard.engine.schedule.Decision;
import dev.orchard.engine.schedule.Launch;
import dev.orchard.engine.schedule.Scheduler;
import dev.orchard.engine.trial.TrialState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A sweep in simulated time, driving the {@link Scheduler} SPI as the real sweep does, with no threads and no sleeping:
 * each time unit, every running trial advances one step and reports the value its {@link Trainer} gives for that step.
 * Launches are asked for whenever something changed (before each time unit); a fresh trial takes the optimizer's next
 * suggestion, a resumed one continues from its own step, a derived one starts at its parent's current step (the step of
 * its checkpoint) with the launch's params. STOP ends a trial as pruned, a {@link Decision#done done} stop or the end of
 * its run as completed, PAUSE as paused. Results are told to the optimizer in the order trials end.
 */
public final class SimulatedSweep {

    /** Produces the values a trial reports. */
    public interface Trainer {
        /** A run of {@code params} for trial {@code trial}, starting after step {@code fromStep} (0 for a fresh trial). */
        Run start(int trial, Map<String, Object> params, long fromStep);
    }

    /** One trial's run: the value it reports at each step, up to {@link #lastStep()}. */
    public interface Run {
        double value(long step);

        long lastStep();
    }

    /** What the simulation knows of a trial. */
    public static final class Trial {
        private final int number;
        private final Map<String, Object> params;
        private final Launch launch;
        private final int parent;
        private Run run;
        private long step;
        private double value = Double.NaN;
        private TrialState state = TrialState.RUNNING;

        Trial(int number, Map<String, Object> params, Launch launch, int parent, Run run, long step) {
            this.number = number;
            this.params = params;
            this.launch = launch;
            this.parent = parent;
            this.run = run;
            this.step = step;
        }

        public int number() {
            return number;
        }

        public Map<String, Object> params() {
            return params;
        }

        /** The parent of a derived trial, else -1. */
        public int parent() {
            return parent;
        }

        public Launch launch() {
            return launch;
        }

        public long step() {
            return step;
        }

        /** The last reported value (NaN before the first report). */
        public double value() {
            return value;
        }

        public TrialState state() {
            return state;
        }

        /** True once the trial reported the last step of its run. */
        public boolean ranToEnd() {
            return step >= run.lastStep();
        }
    }

    /** Called after every report, with the steps consumed so far (for incumbent tracking). */
    public interface Listener {
        void reported(Trial trial, Decision decision, long totalSteps, long time);
    }

    private Scheduler scheduler;
    private final Optimizer optimizer;
    private final int budget;
    private final Trainer trainer;
    private final Listener listener;
    private final Map<Integer, Trial> trials = new LinkedHashMap<>();
    private final List<Trial> running = new ArrayList<>();
    private int created;
    private long time;
    private long steps;

    public SimulatedSweep(Scheduler scheduler, Optimizer optimizer, int budget, Trainer trainer, Listener listener) {
        this.scheduler = scheduler;
        this.optimizer = optimizer;
        this.budget = budget;
        this.trainer = trainer;
        this.listener = listener;
    }

    /** Runs until the sweep ends; returns this. */
    public SimulatedSweep run() {
        while (advance()) {
            // one time unit each
        }
        return this;
    }

    /**
     * Starts what the scheduler asks for, then advances the running trials one step. Returns false (and does nothing
     * more) when nothing runs and the scheduler launches nothing: the sweep has ended.
     */
    public boolean advance() {
        launch();
        if (running.isEmpty()) {
            return false;
        }
        time++;
        for (Trial t : List.copyOf(running)) {
            t.step++;
            steps++;
            t.value = t.run.value(t.step);
            Decision d = scheduler.onReport(t.number, t.step, t.value);
            if (d.kind() == Decision.Kind.STOP) {
                end(t, d.done() ? TrialState.COMPLETED : TrialState.PRUNED);
            } else if (d.kind() == Decision.Kind.PAUSE) {
                end(t, TrialState.PAUSED);
            } else if (t.ranToEnd()) {
                end(t, TrialState.COMPLETED);
            }
            if (listener != null) {
                listener.reported(t, d, steps, time);
            }
        }
        return true;
    }

    private void launch() {
        while (true) {
            int free = scheduler.slots() - running.size();
            List<Launch> launches = scheduler.next(new Scheduler.SweepView(running.size(), free, budget - created));
            if (launches.isEmpty()) {
                return;
            }
            if (launches.size() > free) {
                throw new IllegalStateException("the scheduler launched " + launches.size() + " trials into " + free + " free slots");
            }
            for (Launch l : launches) {
                start(l);
            }
            if (scheduler.slots() == running.size()) {
                return;
            }
        }
    }

    private void start(Launch l) {
        Trial t;
        if (l instanceof Launch.Resume r) {
            t = trials.get(r.trial());
            if (t == null || t.state != TrialState.PAUSED) {
                throw new IllegalStateException("the scheduler resumed trial " + r.trial() + ", which is not paused");
            }
            t.state = TrialState.RUNNING;
        } else {
            if (created >= budget) {
                throw new IllegalStateException("the scheduler launched a new trial beyond the budget of " + budget);
            }
            int number = created++;
            if (l instanceof Launch.Derived d) {
                Trial parent = trials.get(d.parent());
                if (parent == null) {
                    throw new IllegalStateException("the scheduler derived from unknown trial " + d.parent());
                }
                t = new Trial(number, d.params(), l, d.parent(), trainer.start(number, d.params(), parent.step), parent.step);
            } else {
                List<Map<String, Object>> s = optimizer.suggest(1);
                if (s.isEmpty()) {
                    created--;
                    return;
                }
                t = new Trial(number, s.get(0), l, -1, trainer.start(number, s.get(0), 0), 0);
            }
            trials.put(number, t);
        }
        running.add(t);
        scheduler.onStarted(t.number, t.params, l);
    }

    private void end(Trial t, TrialState state) {
        t.state = state;
        running.remove(t);
        OptionalDouble v = Double.isNaN(t.value) ? OptionalDouble.empty() : OptionalDouble.of(t.value);
        scheduler.onEnded(t.number, state, v, t.step);
        if (state.finished() && v.isPresent()) {
            optimizer.observe(new Observation(t.number, t.params, state, v));
        }
    }

    /** Swaps in another scheduler (a restored copy, in state round-trip tests). */
    public void replaceScheduler(Scheduler s) {
        this.scheduler = s;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    /** Every trial created, by number. */
    public Map<Integer, Trial> trials() {
        return java.util.Collections.unmodifiableMap(trials);
    }

    /** Steps consumed by all trials together. */
    public long steps() {
        return steps;
    }

    /** Time units elapsed (the makespan once the sweep has ended). */
    public long time() {
        return time;
    }
}
