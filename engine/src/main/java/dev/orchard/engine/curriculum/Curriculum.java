package dev.orchard.engine.curriculum;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A curriculum: it says which task to train on next and learns from the scores it is told. Implementations:
 * {@link DifficultyBins}, {@link LearningProgress}; {@link SharedCurriculum} makes either safe for many threads (and, through
 * {@code orchard curriculum serve --port}, for many processes), persists it and publishes snapshots.
 * <p>Scores are in [0, 1]; an update of an unknown task or with a score outside [0, 1] (NaN included) is a
 * {@link CurriculumException} and changes nothing. The same seed and the same calls give the same samples.
 */
public interface Curriculum {

    /** {@code difficulty_bins} or {@code learning_progress}. */
    String algorithm();

    /** The tasks it chooses from now (for learning progress with a generator: the active pool). */
    List<Task> tasks();

    /** The next task. */
    Sample sample();

    /**
     * The next task at training step {@code step} of {@code total} (the schedules of difficulty bins anneal with it);
     * curricula without a schedule ignore the progress.
     */
    default Sample sample(long step, long total) {
        return sample();
    }

    /** Tells the score a task got. */
    void update(String task, double score);

    /** Tells several scores, in order; all are checked first, so a bad one leaves the curriculum unchanged. */
    void updateBatch(List<Update> updates);

    /** Metrics for logs and live views. */
    CurriculumStats stats();

    /** Everything needed to continue exactly, as JSON ({@code "format": "orchard.curriculum-state/1"}). */
    JsonNode state();

    /** Continues from {@link #state()}; a state of another format, algorithm or task set is refused and changes nothing. */
    void loadState(JsonNode state);

    /** The format written into states; a state of another format is refused. */
    String STATE_FORMAT = "orchard.curriculum-state/1";

    /** Checks a score; the message names the task. */
    static void checkScore(String task, double score) {
        if (!(score >= 0 && score <= 1)) {
            throw new CurriculumException("score of task '" + task + "' must be a number in [0, 1], got " + score);
        }
    }
}
