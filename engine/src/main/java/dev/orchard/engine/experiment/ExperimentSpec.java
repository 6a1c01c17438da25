package dev.orchard.engine.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.orchard.engine.execute.ResourceSpec;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

/**
 * An experiment as the user writes it (format {@value #FORMAT}): what to search, how to choose, how trials run, what
 * each trial computes, how many trials, the seed, and (optionally) the GPUs and CPU slots trials share. With a
 * {@code pipeline} ({@code dev.orchard.engine.pipeline.PipelineSpec}), it is a pipeline of stages instead, and the
 * rest are the defaults of its sweep stages. Read and written by {@code dev.orchard.engine.json.Specs}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(String format, String name, String description, SearchSpace space,
                             OptimizerSpec optimizer, SchedulerSpec scheduler, ObjectiveSpec objective,
                             Integer budget, Long seed, Direction direction, ResourceSpec resources,
                             com.fasterxml.jackson.databind.JsonNode pipeline, PredictSpec predict) {

    public static final String FORMAT = "orchard.experiment/1";

    public ExperimentSpec {
        optimizer = optimizer == null ? new OptimizerSpec("auto", null) : optimizer;
        scheduler = scheduler == null ? SchedulerSpec.DEFAULT : scheduler;
        seed = seed == null ? 0L : seed;
        direction = direction == null ? Direction.MINIMIZE : direction;
    }

    public ExperimentSpec(String format, String name, String description, SearchSpace space, OptimizerSpec optimizer,
                          SchedulerSpec scheduler, ObjectiveSpec objective, Integer budget, Long seed, Direction direction,
                          ResourceSpec resources, com.fasterxml.jackson.databind.JsonNode pipeline) {
        this(format, name, description, space, optimizer, scheduler, objective, budget, seed, direction, resources, pipeline, null);
    }

    public ExperimentSpec(String format, String name, String description, SearchSpace space, OptimizerSpec optimizer,
                          SchedulerSpec scheduler, ObjectiveSpec objective, Integer budget, Long seed, Direction direction) {
        this(format, name, description, space, optimizer, scheduler, objective, budget, seed, direction, null, null);
    }

    public ExperimentSpec(String format, String name, String description, SearchSpace space, OptimizerSpec optimizer,
                          SchedulerSpec scheduler, ObjectiveSpec objective, Integer budget, Long seed, Direction direction,
                          ResourceSpec resources) {
        this(format, name, description, space, optimizer, scheduler, objective, budget, seed, direction, resources, null, null);
    }

    /** Whether this experiment is a pipeline of stages (its space, objective, budget are defaults for sweep stages). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean isPipeline() {
        return pipeline != null;
    }

    public ExperimentSpec withBudget(int newBudget) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, objective, newBudget, seed, direction, resources, pipeline, predict);
    }

    public ExperimentSpec withName(String newName) {
        return new ExperimentSpec(format, newName, description, space, optimizer, scheduler, objective, budget, seed, direction, resources, pipeline, predict);
    }

    public ExperimentSpec withObjective(ObjectiveSpec newObjective) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, newObjective, budget, seed, direction, resources, pipeline, predict);
    }

    public ExperimentSpec withPredict(PredictSpec newPredict) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, objective, budget, seed, direction, resources, pipeline, newPredict);
    }

    public ExperimentSpec withSeed(long newSeed) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, objective, budget, newSeed, direction, resources, pipeline, predict);
    }
}
