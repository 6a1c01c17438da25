package dev.orchard.engine.optimize;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * What to try next, in ask/tell form. An optimizer is created for one search space, direction and seed (see
 * {@link OptimizerContext}); the caller numbers the trials. Implementations need not be thread-safe: the engine
 * calls one optimizer from one thread at a time.
 */
public interface Optimizer {

    /** Up to {@code n} configurations to evaluate next (n ≥ 1); fewer only when the space is exhausted. */
    List<Map<String, Object>> suggest(int n);

    /** Tells the result of a trial; throws {@link IllegalArgumentException} for an invalid observation. */
    void observe(Observation observation);

    /**
     * Everything needed to continue after a restart: {@code restore(state())} on a fresh optimizer of the same
     * context, after re-observing the same history, makes it suggest what this one would. It holds only what that
     * history cannot give (counters, running suggestions, a model's settings), so its size does not grow with the
     * number of trials: the engine stores it with every checkpoint.
     */
    JsonNode state();

    /** Continues from a {@link #state()}; called after the history it was written with has been re-observed. */
    void restore(JsonNode state);
}
