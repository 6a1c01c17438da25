package dev.orchard.engine.curriculum;

/**
 * A request a curriculum refuses (unknown task, score outside [0, 1], a state of another version); nothing was changed.
 * An {@link IllegalArgumentException}, so the CLI answers it as bad input.
 */
public final class CurriculumException extends IllegalArgumentException {
    public CurriculumException(String message) {
        super(message);
    }
}
