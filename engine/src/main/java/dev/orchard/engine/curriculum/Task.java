package dev.orchard.engine.curriculum;

import java.util.Map;
import java.util.Objects;

/**
 * One task (an item, an environment configuration) a curriculum chooses from. {@code params} carries what a generator
 * chose for it (bucket values); {@code baseline} is the success a random policy gets on it, against which learning
 * progress is measured (0 when unknown).
 */
public record Task(String id, String label, Map<String, Object> params, double baseline) {
    public Task {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a task id must not be empty");
        }
        label = label == null ? "" : label;
        params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        if (!(baseline >= 0 && baseline < 1)) {
            throw new IllegalArgumentException("task " + id + ": baseline must be in [0, 1), got " + baseline);
        }
    }

    public static Task of(String id, String label) {
        return new Task(id, label, Map.of(), 0);
    }
}
