package dev.orchard.engine.experiment;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.orchard.engine.execute.ResourceSpec;
import dev.orchard.engine.schedule.SchedulerSpec;
import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

/**
 * An experiment as the user writes it (format {@value #FORMAT}): what to search, how to choose, how trials run, what
 * each trial computes, how many trials, the seed, and (optionally) the GPUs and CPU slots trials share. Read and written by {@code dev.orchard.engine.json.Specs}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentSpec(String format, String name, String description, SearchSpace space,
                             OptimizerSpec optimizer, SchedulerSpec scheduler, ObjectiveSpec objective,
                             Integer budget, Long seed, Direction direction, ResourceSpec resources) {

    public static final String FORMAT = "orchard.experiment/1";

    public ExperimentSpec {
        optimizer = optimizer == null ? new OptimizerSpec("auto", null) : optimizer;
        scheduler = scheduler == null ? SchedulerSpec.DEFAULT : scheduler;
        seed = seed == null ? 0L : seed;
        direction = direction == null ? Direction.MINIMIZE : direction;
    }

    public ExperimentSpec(String format, String name, String description, SearchSpace space, OptimizerSpec optimizer,
                          SchedulerSpec scheduler, ObjectiveSpec objective, Integer budget, Long seed, Direction direction) {
        this(format, name, description, space, optimizer, scheduler, objective, budget, seed, direction, null);
    }

    public ExperimentSpec withBudget(int newBudget) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, objective, newBudget, seed, direction, resources);
    }

    public ExperimentSpec withName(String newName) {
        return new ExperimentSpec(format, newName, description, space, optimizer, scheduler, objective, budget, seed, direction, resources);
    }

    public ExperimentSpec withObjective(ObjectiveSpec newObjective) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, newObjective, budget, seed, direction, resources);
    }

    public ExperimentSpec withSeed(long newSeed) {
        return new ExperimentSpec(format, name, description, space, optimizer, scheduler, objective, budget, newSeed, direction, resources);
    }
}
