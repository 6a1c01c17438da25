package dev.orchard.engine.experiment;

import java.util.Map;

/**
 * The result of an optimizer-optimizer: the inner optimizer's settings that did best, their score (mean best value
 * of the inner sweeps they ran), and the outer search.
 */
public record MetaResult(String innerOptimizer, Map<String, Object> bestSettings, double bestScore, SweepResult outer) {
    public MetaResult {
        bestSettings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(bestSettings));
    }
}
