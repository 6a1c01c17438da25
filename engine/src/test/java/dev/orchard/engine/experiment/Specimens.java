package dev.orchard.engine.experiment;

import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.space.UniformParam;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Specs and waiting helpers shared by the experiment tests. */
public final class Specimens {
    private Specimens() {
    }

    public static final SearchSpace BRANIN_SPACE = SearchSpace.of(new UniformParam("x1", -5, 10), new UniformParam("x2", 0, 15));

    /** A Branin sweep: {@code curveSteps} metric points per trial, each trial taking about {@code delayMs}. */
    public static ExperimentSpec branin(String optimizer, int budget, int batch, long seed, int curveSteps, long delayMs) {
        return new ExperimentSpec(ExperimentSpec.FORMAT, "branin-" + optimizer, null, BRANIN_SPACE,
                new OptimizerSpec(optimizer, null), new SchedulerSpec("sync_batch", batch),
                new ObjectiveSpec.Builtin("branin", curveSteps, delayMs), budget, seed, Direction.MINIMIZE);
    }

    /** Waits (polling) until the condition holds; fails after {@code timeout}. */
    public static void awaitTrue(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(5);
        }
    }

    /** Waits for the sweep to end; a sweep that does not end in time fails the test (and is stopped). */
    public static ExperimentStatus finish(Sweep sweep, Duration timeout) throws InterruptedException {
        var s = sweep.await(timeout);
        if (s.isEmpty()) {
            sweep.stop();
            throw new AssertionError("sweep " + sweep.experimentId() + " did not end within " + timeout
                    + "; its status is " + sweep.status());
        }
        return s.get();
    }
}
