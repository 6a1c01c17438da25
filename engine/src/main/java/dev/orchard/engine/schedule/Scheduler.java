package dev.orchard.engine.schedule;

import dev.orchard.engine.trial.TrialState;

import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * How trials run: how many at once, what to start next (a fresh configuration from the optimizer, a paused trial to
 * continue, or a trial derived from another one's checkpoint), and what to do with each intermediate result (continue,
 * stop early, pause at a rung).
 * <p>
 * The sweep calls every method from its one control thread, so implementations need no locking. Values passed in are
 * the objective metric as reported; the scheduler orients them with {@link SchedulerContext#direction()}.
 * Implementations are deterministic given their context's seed and the order of calls.
 */
public interface Scheduler {

    /** Trials that may run at the same time (worker threads, process or GPU slots). */
    int slots();

    /**
     * What to start now. Called whenever something changed (a trial started, reported, paused or ended, the sweep was
     * resumed). Returns at most {@code view.freeSlots()} launches and at most {@code view.remainingBudget()} that create a
     * new trial ({@link Launch.Fresh}, {@link Launch.Derived}). An empty list while nothing runs ends the sweep.
     * <p>
     * What it returns counts as issued (a promotion is taken, a PBT member's replacement is on its way), so the sweep
     * starts every launch it gets, in order, and reports each with {@link #onStarted}; it never calls {@code next} only
     * to look.
     */
    List<Launch> next(SweepView view);

    /** A fresh trial for every free slot the budget allows: {@link #next} of schedulers that only decide on reports. */
    static List<Launch> freshForFreeSlots(SweepView view) {
        return java.util.Collections.nCopies(Math.max(0, Math.min(view.freeSlots(), view.remainingBudget())), Launch.FRESH);
    }

    /** A trial started (fresh, resumed or derived); {@code params} are the configuration it runs. */
    default void onStarted(int trial, Map<String, Object> params, Launch how) {
    }

    /** Decision on an intermediate value of the objective metric at {@code step}. */
    default Decision onReport(int trial, long step, double value) {
        return Decision.CONTINUE;
    }

    /**
     * A trial stopped running: completed, failed, pruned, stopped, or paused at the scheduler's request
     * ({@link TrialState#PAUSED}). {@code value} is the final value (completed) or the last reported one (pruned, paused).
     * Trials the user pauses are not reported here: for the scheduler they keep running.
     */
    default void onEnded(int trial, TrialState state, OptionalDouble value, long lastStep) {
    }

    /**
     * The scheduler's state as a JSON-friendly map (rungs, populations, pending promotions), stored with the sweep so
     * that {@code orchard resume} continues where it was. Stateless schedulers return an empty map.
     */
    default Map<String, Object> state() {
        return Map.of();
    }

    /** Continues from a {@link #state()} of a scheduler built from the same spec and context. */
    default void restore(Map<String, Object> state) {
    }

    /** The sweep's situation as the scheduler sees it when asked {@link #next}. */
    record SweepView(int running, int freeSlots, int remainingBudget) {
    }
}
