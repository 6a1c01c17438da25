package dev.orchard.engine.schedule;

import dev.orchard.engine.space.SearchSpace;
import dev.orchard.engine.trial.Direction;

/** What a scheduler is built with: the space (PBT perturbs it), the direction of the objective, the seed, the budget. */
public record SchedulerContext(SearchSpace space, Direction direction, long seed, int budget) {
}
