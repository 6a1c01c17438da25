package dev.orchard.engine.store;

import dev.orchard.engine.trial.MetricPoint;
import dev.orchard.engine.trial.Trial;

import java.util.List;

/** Everything stored for one experiment: what export writes and import reads. */
public record ExperimentArchive(ExperimentRecord experiment, List<Trial> trials, List<MetricPoint> metrics) {
    public ExperimentArchive {
        trials = List.copyOf(trials);
        metrics = List.copyOf(metrics);
    }
}
