package dev.orchard.engine.curriculum;

import java.util.List;
import java.util.Map;

/** Metrics of a curriculum (written as JSON by {@code {"op":"stats"}} and stored in snapshots). */
public sealed interface CurriculumStats {
    String algorithm();

    long updates();

    long samples();

    /**
     * Difficulty bins. Difficulty = 1 − EMA of reward (an item never updated has the initial difficulty);
     * {@code binProbabilities} are those of the next {@code sample()} (at step {@code samples} of {@code total_steps}).
     */
    record Difficulty(String algorithm, long updates, long samples, int items, int tracked, double difficultyMin,
                      double difficultyMean, double difficultyMax, List<Integer> binCounts, List<Double> binProbabilities,
                      List<Double> binMeanDifficulty, Double competence) implements CurriculumStats {
    }

    /**
     * Learning progress. {@code gini}: Gini coefficient of the sampling counts over the pool (0 = even, → 1 = all on
     * one task); {@code epoch}: the current epoch's number (updates ÷ epoch_size) and counters, {@code lastEpoch} those of
     * the one before.
     */
    record Progress(String algorithm, long updates, long samples, int pool, long generated, long evictions,
                    long staleUpdates, double gini, EpochCounts epoch, EpochCounts lastEpoch, List<TaskStats> tasks,
                    Map<String, LabelStats> labels) implements CurriculumStats {
    }

    /** One task: its presentations (updates), samples, EMAs (null until its first update), LP and sampling probability. */
    record TaskStats(String id, String label, long presentations, long samples, Double fast, Double slow,
                     double learningProgress, double probability) {
    }

    /** Tasks of one label: how many are in the pool, samples, updates, mean score of all updates, evictions. */
    record LabelStats(int tasks, long samples, long updates, Double meanScore, long evictions) {
    }

    record EpochCounts(long epoch, long samples, long updates, long evictions, long generated) {
    }
}
