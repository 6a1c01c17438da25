package dev.orchard.engine.trial;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One evaluation of a configuration, as stored and shown. {@code number} counts from 0 within its experiment.
 */
public record Trial(long experimentId, int number, Map<String, Object> params, TrialState state, OptionalDouble value,
                    long lastStep, Optional<String> error, Instant startedAt, Optional<Instant> finishedAt) {

    public Trial {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
    }

    public static Trial started(long experimentId, int number, Map<String, Object> params, Instant at) {
        return new Trial(experimentId, number, params, TrialState.RUNNING, OptionalDouble.empty(), -1,
                Optional.empty(), at, Optional.empty());
    }

    public Trial finish(TrialState state, OptionalDouble value, long lastStep, Optional<String> error, Instant at) {
        return new Trial(experimentId, number, params, state, value, lastStep, error, startedAt, Optional.of(at));
    }

    /** The trial checkpointed and exited; {@code value} is its last reported value, if any. */
    public Trial paused(OptionalDouble value, long lastStep) {
        return new Trial(experimentId, number, params, TrialState.PAUSED, value, lastStep, Optional.empty(), startedAt,
                Optional.empty());
    }

    /** The trial runs again (resumed from its checkpoint); when it first started is kept. */
    public Trial restarted() {
        return new Trial(experimentId, number, params, TrialState.RUNNING, value, lastStep, Optional.empty(), startedAt,
                Optional.empty());
    }
}
