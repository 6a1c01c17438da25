package dev.orchard.app.history;

import dev.orchard.engine.store.ExperimentSummary;
import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;

import java.time.Instant;
import java.util.OptionalDouble;

/** One experiment in the list: what a row shows; {@code kind} is "sweep" or "pipeline" (a pipeline opens in the canvas). */
public record ExperimentItem(long id, String name, ExperimentStatus status, int trials, int completed, int failed,
                             OptionalDouble best, Direction direction, Instant createdAt, String kind) {

    public static ExperimentItem of(ExperimentSummary s) {
        var e = s.experiment();
        return new ExperimentItem(e.id(), e.name(), e.status(), s.trials(), s.completed(), s.failed(), s.best(),
                e.direction(), e.createdAt(), e.kind());
    }
}
