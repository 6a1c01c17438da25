package dev.orchard.engine.store;

import java.util.OptionalDouble;

/** An experiment with counts of its trials and its best value so far, for listings. */
public record ExperimentSummary(ExperimentRecord experiment, int trials, int completed, int failed, OptionalDouble best) {
}
