package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.pipeline.StageContext;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs sweeps inside a running pipeline (a service stages get with {@code ctx.service(SubExperiments.class)}): each is
 * stored as a child of the pipeline's experiment, named after the stage and loop iteration that ran it. Pause, resume
 * and stop of the pipeline reach it; a resumed pipeline finds it again — completed, it is not run twice; interrupted,
 * it continues where it was.
 */
public interface SubExperiments {
    /**
     * A sweep below the pipeline's experiment. {@code objective}: a Java objective run in-process; empty: the spec's
     * own (builtin or command; relative paths resolve against {@code baseDir}).
     */
    default SweepResult sweep(StageContext ctx, ExperimentSpec spec, Optional<Objective> objective, Path baseDir,
                              List<SweepResult.Observed> warmStart) {
        String name = ctx.stage() + (ctx.iteration().isEmpty() ? "" : "[" + ctx.iteration() + "]");
        return sweepUnder(ctx.experimentId(), name, ctx, spec, objective, baseDir, warmStart);
    }

    /** A sweep below {@code parentId} (a sweep's trial that runs sweeps itself: meta-optimization), named {@code name}. */
    SweepResult sweepUnder(long parentId, String name, StageContext ctx, ExperimentSpec spec, Optional<Objective> objective,
                           Path baseDir, List<SweepResult.Observed> warmStart);

    /** The spec a stored experiment ran (a sweep stage's child, for stages that read what it did). */
    ExperimentSpec spec(long experimentId);

    /** The trials of a stored experiment, by number. */
    List<dev.orchard.engine.trial.Trial> trials(long experimentId);

    /** The metric series of one trial, by step. */
    List<dev.orchard.engine.trial.MetricPoint> metrics(long experimentId, int trial);
}
