package dev.orchard.engine.pipeline;

import java.util.Optional;

/**
 * Why a stage did not give an output: what it threw, a timeout, a failed validation, or data that broke its contract.
 * {@code attempts} counts the runs made (retries included).
 */
public record StageFailure(String stage, Kind kind, String message, Optional<Throwable> cause, int attempts) {
    public enum Kind { ERROR, TIMEOUT, VALIDATION, CONTRACT }

    /** Contract breaks are bugs of the stage, not bad luck: retrying cannot help. */
    public boolean retryable() {
        return kind != Kind.CONTRACT;
    }

    @Override
    public String toString() {
        return "stage '" + stage + "' " + switch (kind) {
            case ERROR -> "failed";
            case TIMEOUT -> "timed out";
            case VALIDATION -> "gave data that failed validation";
            case CONTRACT -> "broke its contract";
        } + (attempts > 1 ? " (after " + attempts + " attempts)" : "") + ": " + message;
    }
}
