package dev.orchard.engine.curriculum;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A curriculum as data, the JSON form a pipeline stage or {@code orchard curriculum serve} builds one from:
 * <pre>
 * {"algorithm": "learning_progress", "options": {"pool_size": 32, "temperature": 0.5}, "seed": 7,
 *  "tasks": [{"id": "t0", "label": "easy"}, ...]}            — or instead of "tasks":
 *  "generator": {"type": "bucketed", "label": "maze", "buckets": {"size": {"values": [8, 16]}, "density": {"span": [0.1, 0.4]}}}
 * </pre>
 * {@code options} keeps what was written (checked by {@link CurriculumSpecs#parse}); exactly one of {@code tasks}
 * and {@code generator} is present.
 */
public record CurriculumSpec(String algorithm, Map<String, Object> options, List<Task> tasks,
                             Optional<TaskGenerator> generator, long seed) {
    public CurriculumSpec {
        options = options == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(options));
        tasks = tasks == null ? List.of() : List.copyOf(tasks);
        generator = generator == null ? Optional.empty() : generator;
    }

    public static final List<String> ALGORITHMS = List.of(LearningProgress.ALGORITHM, DifficultyBins.ALGORITHM);
}
