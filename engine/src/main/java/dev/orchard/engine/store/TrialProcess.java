package dev.orchard.engine.store;

import java.time.Instant;

/** The process group a trial ran in: its leader's pid and start time (to tell a reused pid apart). */
public record TrialProcess(int trial, long pid, Instant startedAt) {
}
