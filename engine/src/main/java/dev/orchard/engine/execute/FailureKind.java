package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;
import dev.orchard.engine.trial.TrialState;

import java.util.Optional;

/**
 * Why a trial failed, read from the error the runners write (their wording is the contract; tests run real
 * processes to keep it so). A {@link RetryPolicy} retries the kinds it lists.
 */
public enum FailureKind {
    /** It could not start: the program is missing, a placeholder has no value. Retrying will not help. */
    START,
    /** It crashed: a non-zero exit code, an exception of an in-process objective, a broken output pipe. */
    CRASH,
    /** A signal ended it (exit code above 128): the out-of-memory killer, a segfault, a preempted node. */
    SIGNAL,
    /** It ran past its timeout. */
    TIMEOUT,
    /** It ended normally but its result is unusable: the metric was never reported, or is not finite. */
    RESULT;

    /** The kind of a failed result; empty for any other state. */
    public static Optional<FailureKind> of(TrialResult result) {
        if (result.state() != TrialState.FAILED) {
            return Optional.empty();
        }
        String e = result.error().orElse("");
        if (e.startsWith("cannot start") || e.startsWith("command:") || e.startsWith("cannot create")
                || e.startsWith("cannot open")) {
            return Optional.of(START);
        }
        if (e.startsWith("timed out after")) {
            return Optional.of(TIMEOUT);
        }
        if (e.startsWith("exit code")) {
            return Optional.of(e.matches("(?s)exit code \\d+ \\(SIG.*") ? SIGNAL : CRASH);
        }
        if (e.startsWith("the command never reported") || e.startsWith("metric '") || e.startsWith("objective returned")) {
            return Optional.of(RESULT);
        }
        return Optional.of(CRASH);
    }
}
