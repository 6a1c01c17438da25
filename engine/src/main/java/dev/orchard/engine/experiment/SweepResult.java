package dev.orchard.engine.experiment;

import java.util.List;
import java.util.Map;

/**
 * What a sweep stage gives the stages after it: the child experiment it ran, and everything the search knows — its
 * completed trials and those it was warm-started from — with the best of them. A later sweep warm-starts from these.
 */
public record SweepResult(long experimentId, String name, Map<String, Object> bestParams, double bestValue,
                          List<Observed> observations) {
    public SweepResult {
        bestParams = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bestParams));
        observations = List.copyOf(observations);
    }

    public record Observed(Map<String, Object> params, double value) {
    }
}
