package dev.orchard.engine.execute;

/**
 * An in-process objective: evaluates one configuration and returns the value to optimise. It may report intermediate
 * values through {@link TrialContext#report} and should return early (any value) once
 * {@link TrialContext#stopRequested()} is true. Throwing marks the trial failed with the exception's message.
 */
@FunctionalInterface
public interface Objective {
    double evaluate(TrialContext context) throws Exception;
}
