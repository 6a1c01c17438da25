package dev.orchard.engine.experiment;

import java.util.List;
import java.util.Map;

/** The best configuration of a search evaluated again over several seeds: its values, their mean and spread. */
public record ValidationResult(long experimentId, Map<String, Object> params, List<Double> values, double mean, double std) {
    public ValidationResult {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        values = List.copyOf(values);
    }

    /** The mean and the sample standard deviation of the values. */
    public static ValidationResult of(long experimentId, Map<String, Object> params, List<Double> values) {
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / Math.max(1, values.size() - 1);
        return new ValidationResult(experimentId, params, values, mean, Math.sqrt(var));
    }
}
