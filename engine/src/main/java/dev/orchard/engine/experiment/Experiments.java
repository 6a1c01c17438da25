package dev.orchard.engine.experiment;

import dev.orchard.engine.execute.Objective;
import dev.orchard.engine.pipeline.Node;
import dev.orchard.engine.pipeline.Pipeline;
import dev.orchard.engine.pipeline.Port;
import dev.orchard.engine.pipeline.Stage;
import dev.orchard.engine.pipeline.StageContext;
import dev.orchard.engine.space.ChoiceParam;
import dev.orchard.engine.space.Param;
import dev.orchard.engine.space.SearchSpace;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The experiments of the original design, as pipelines (every one is a {@link Pipeline}, run with
 * {@link Orchard#startPipeline(Pipeline, Object)}, so hooks, checkpoints and resume work the same for all):
 * <ul>
 *   <li>{@link #sweep}: {@code SweepExperiment(optimizer, scheduler).run(budget)} — one sweep stage;</li>
 *   <li>{@link #curriculum}: a sweep per task inside a for-each loop, each warm-started from the one before;</li>
 *   <li>{@link #hybrid}: random exploration → BO warm-started from it → population refinement → validation over seeds;</li>
 *   <li>{@link #sweepNode}: the sweep stage itself, to place in pipelines of your own. The optimizer-optimizer is the
 *   {@code meta_sweep} stage type.</li>
 * </ul>
 */
public final class Experiments {
    private Experiments() {
    }

    /**
     * A stage that runs a sweep of a Java objective: the spec may depend on the pipeline's variables (the task of a
     * curriculum loop). Input {@code in}: an optional {@link SweepResult} it warm-starts from; output: its result.
     */
    public static Node.StageNode sweepNode(String name, Function<StageContext, ExperimentSpec> spec, Objective objective) {
        Stage s = (inputs, ctx) -> {
            List<SweepResult.Observed> warm = inputs.get(Port.IN) instanceof SweepResult r ? r.observations() : List.of();
            return Map.of(Port.OUT, ExperimentStages.sub(ctx).sweep(ctx, spec.apply(ctx), Optional.of(objective),
                    Path.of("").toAbsolutePath(), warm));
        };
        return new Node.StageNode(name, "sweep", s, List.of(Port.optional(Port.IN, ExperimentStages.SWEEP_RESULT, "warm start")),
                List.of(Port.of(Port.OUT, ExperimentStages.SWEEP_RESULT)), Map.of(), "");
    }

    /** One sweep of the spec's optimizer and scheduler over a Java objective, checkpointed. */
    public static Pipeline sweep(ExperimentSpec spec, Objective objective) {
        return Pipeline.create(spec.name())
                .node(sweepNode("sweep", ctx -> spec, objective))
                .through(SweepResult.class, h -> h.checkpoint())
                .build();
    }

    /**
     * A curriculum: for each task in order, a sweep of {@code objectiveFor(task)}, warm-started from what the sweeps
     * before it found (tasks ordered easy to hard transfer their best regions). The task is a fixed parameter of
     * every trial ({@code task}) and a pipeline variable. Each task's sweep is checkpointed.
     */
    public static Pipeline curriculum(ExperimentSpec spec, List<?> tasks, Function<Object, Objective> objectiveFor) {
        Objective perTask = trial -> objectiveFor.apply(trial.params().get("task")).evaluate(trial);
        return Pipeline.create(spec.name())
                .loop("tasks", dev.orchard.engine.pipeline.LoopCondition.forEach("task", tasks))
                .node(sweepNode("sweep", ctx -> withFixed(spec, "task", ctx.vars().get("task", Object.class)), perTask))
                .through(SweepResult.class, h -> h.checkpoint())
                .endLoop()
                .through(SweepResult.class)
                .build();
    }

    /**
     * The hybrid experiment: {@code exploreBudget} random trials, then BO (gp) warm-started from them, then a
     * population (regularized evolution) warm-started from both, then the best configuration run again with
     * {@code seeds} seeds (parameter {@code seed}). Every stage is checkpointed.
     */
    public static Pipeline hybrid(ExperimentSpec spec, Objective objective, int exploreBudget, int boBudget, int populationBudget,
                                  int seeds) {
        return Pipeline.create(spec.name())
                .node(sweepNode("explore", ctx -> with(spec, "random", exploreBudget), objective))
                .through(SweepResult.class, h -> h.checkpoint().validate(r -> !r.observations().isEmpty(), "exploration found nothing"))
                .node(sweepNode("exploit", ctx -> with(spec, "gp", boBudget), objective))
                .through(SweepResult.class, h -> h.checkpoint())
                .node(sweepNode("refine", ctx -> with(spec, "evolution", populationBudget), objective))
                .through(SweepResult.class, h -> h.checkpoint())
                .stage("validate", SweepResult.class, ValidationResult.class, (best, ctx) -> validate(ctx, spec, objective, best, seeds))
                .through(ValidationResult.class, h -> h.checkpoint())
                .build();
    }

    private static ValidationResult validate(StageContext ctx, ExperimentSpec spec, Objective objective, SweepResult best, int seeds) {
        var params = new ArrayList<Param>();
        best.bestParams().forEach((k, v) -> params.add(new ChoiceParam(k, List.of(v))));
        var seedValues = new ArrayList<Object>();
        for (int i = 0; i < seeds; i++) {
            seedValues.add(i);
        }
        params.add(new ChoiceParam("seed", seedValues));
        ExperimentSpec v = new ExperimentSpec(spec.format(), spec.name(), null, new SearchSpace(params), new OptimizerSpec("grid", null),
                dev.orchard.engine.schedule.SchedulerSpec.DEFAULT, spec.objective(), seeds, spec.seed(), spec.direction(), spec.resources());
        SweepResult r = ExperimentStages.sub(ctx).sweep(ctx, v, Optional.of(objective), Path.of("").toAbsolutePath(), List.of());
        return ValidationResult.of(r.experimentId(), best.bestParams(), r.observations().stream().map(SweepResult.Observed::value).toList());
    }

    static ExperimentSpec with(ExperimentSpec spec, String optimizer, int budget) {
        return new ExperimentSpec(spec.format(), spec.name(), spec.description(), spec.space(), new OptimizerSpec(optimizer, null),
                spec.scheduler(), spec.objective(), budget, spec.seed(), spec.direction(), spec.resources(), null, spec.predict());
    }

    static ExperimentSpec withFixed(ExperimentSpec spec, String name, Object value) {
        var params = new ArrayList<>(spec.space().params());
        params.add(new ChoiceParam(name, List.of(value)));
        return new ExperimentSpec(spec.format(), spec.name(), spec.description(), new SearchSpace(params), spec.optimizer(),
                spec.scheduler(), spec.objective(), spec.budget(), spec.seed(), spec.direction(), spec.resources(), null, spec.predict());
    }
}
