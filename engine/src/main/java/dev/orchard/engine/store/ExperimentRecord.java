package dev.orchard.engine.store;

import dev.orchard.engine.trial.Direction;
import dev.orchard.engine.trial.ExperimentStatus;

import java.time.Instant;
import java.util.Optional;

/** An experiment row: its spec as JSON text, where relative paths of the spec resolve, and its status. */
public record ExperimentRecord(long id, Optional<Long> parentId, String name, String kind, Direction direction,
                               String specJson, Optional<String> baseDir, ExperimentStatus status,
                               Optional<String> message, Instant createdAt, Instant updatedAt) {
}
