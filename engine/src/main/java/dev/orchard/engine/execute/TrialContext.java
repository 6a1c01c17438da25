package dev.orchard.engine.execute;

import java.nio.file.Path;
import java.util.Map;

/** What a running trial sees of the engine. */
public interface TrialContext {

    long experimentId();

    int number();

    /** The configuration under evaluation, in search-space order. */
    Map<String, Object> params();

    /** Reports metric values at a step; non-finite values are rejected with {@link IllegalArgumentException}. */
    void report(long step, Map<String, Double> values);

    /** Reports the objective's own metric at a step. */
    default void report(long step, double value) {
        report(step, Map.of("value", value));
    }

    /** True once the trial should end (the sweep was stopped). */
    boolean stopRequested();

    /** Where this trial's log goes (command trials write their output there). */
    Path logFile();
}
