package dev.orchard.engine.store;

import java.time.Instant;

/** A pipeline checkpoint: after which stage (and loop iterations) it was taken, and the run's state as JSON. */
public record StageRun(long experimentId, int seq, String stage, String iteration, String snapshotJson, Instant at) {
}
