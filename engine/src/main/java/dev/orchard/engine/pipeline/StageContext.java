package dev.orchard.engine.pipeline;

import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a running stage sees besides its input: the pipeline's variables (shared by all stages and loop conditions,
 * stored with every checkpoint, so they must be JSON values or records), where it is (path and loop iterations),
 * the experiment it belongs to, engine services (sub-experiments), and the run's control requests.
 */
public interface StageContext {
    /** The stage's path: {@code "tasks/train"} for stage train inside loop tasks. */
    String stage();

    /** The loop iterations around the stage, outermost first ({@code "tasks=2"}); empty outside loops. */
    String iteration();

    /** The current iteration of the innermost loop, or 0. */
    int loopIndex();

    /** The experiment this run is stored as (-1 when it is not stored). */
    long experimentId();

    PipelineVars vars();

    default <T> T get(String name, Class<T> type) {
        return vars().get(name, type);
    }

    default void put(String name, Object value) {
        vars().put(name, value);
    }

    /** The stage's configuration (from its JSON spec), empty for Java stages. */
    Map<String, Object> config();

    /** An engine service the runner provides (for instance the facade that runs sub-experiments). */
    <T> Optional<T> service(Class<T> type);

    /** Publishes numbers about the stage (a stage event, stored with the run). */
    void report(Map<String, Double> metrics);

    /** True once the run is asked to stop: long stages check it. */
    boolean stopRequested();

    /**
     * Registers what to do when the user pauses, resumes or stops the run while this stage runs (a stage that runs a
     * sweep passes the request on to it). Without one, stop interrupts the stage's thread and pause waits for it.
     */
    void onControl(Consumer<Control> handler);

    enum Control { PAUSE, RESUME, STOP }
}
