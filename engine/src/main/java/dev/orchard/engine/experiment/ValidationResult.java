package dev.orchard.engine.experiment;

import java.util.List;
import java.util.Map;

/** The best configuration of a search evaluated again over several seeds: its values, their mean and spread. */
public record ValidationResult(long experimentId, Map<String, Object> params, List<Double> values, double mean, double std) {
    public ValidationResult {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        values = List.copyOf(values);
    }
}
