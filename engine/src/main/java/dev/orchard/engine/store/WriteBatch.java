package dev.orchard.engine.store;

import dev.orchard.engine.trial.ExperimentStatus;
import dev.orchard.engine.trial.Trial;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Writes collected over a short interval, stored in one transaction. Trials are upserted (the latest snapshot of each
 * wins), so a trial that started and finished inside one batch costs one row write.
 */
public record WriteBatch(Map<Long, Status> statuses, Collection<Trial> trials, List<Rewind> rewinds, List<Metrics> metrics,
                         List<Event> events, List<SweepWrite> sweeps, List<StoredPrediction> predictions) {

    public WriteBatch(Map<Long, Status> statuses, Collection<Trial> trials, List<Rewind> rewinds, List<Metrics> metrics,
                      List<Event> events, List<SweepWrite> sweeps) {
        this(statuses, trials, rewinds, metrics, events, sweeps, List.of());
    }

    public WriteBatch(Map<Long, Status> statuses, Collection<Trial> trials, List<Rewind> rewinds, List<Metrics> metrics,
                      List<Event> events) {
        this(statuses, trials, rewinds, metrics, events, List.of());
    }

    /**
     * What a sweep must not lose, in order: trial snapshots (launched, paused, ended), parents of derived trials, and
     * the sweep's checkpoint when given. Written after the metrics of the same batch, so a trial recorded as ended has
     * its series.
     */
    public record SweepWrite(long experimentId, Collection<Trial> trials, Map<Integer, Integer> parents,
                             java.util.Optional<SweepCheckpoint> checkpoint) {
    }

    /** Metric points of a trial from {@code fromStep} on are dropped (it resumed from an earlier checkpoint). */
    public record Rewind(long experimentId, int trial, long fromStep) {
    }

    public record Status(ExperimentStatus status, String message) {
    }

    /** Values reported by one trial at one step. */
    public record Metrics(long experimentId, int trial, long step, Map<String, Double> values, long wallTimeMillis) {
    }

    /** A row of the event log; {@code trial} is -1 for experiment-level events. */
    public record Event(long experimentId, int trial, String kind, String payloadJson, long atMillis) {
    }

    public boolean isEmpty() {
        return statuses.isEmpty() && trials.isEmpty() && rewinds.isEmpty() && metrics.isEmpty() && events.isEmpty()
                && sweeps.isEmpty() && predictions.isEmpty();
    }
}
