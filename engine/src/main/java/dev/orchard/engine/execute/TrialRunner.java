package dev.orchard.engine.execute;

import dev.orchard.engine.trial.TrialResult;

/**
 * Runs one trial to its end: in-process, as a local process, or (later) on a cluster. Called on an engine worker
 * thread; must return (not hang) once the context asks it to stop.
 */
public interface TrialRunner {
    TrialResult run(TrialContext context);

    /**
     * True when trials run outside the engine's process (a subprocess, a cluster job): the sweep then stores a trial
     * durably before it starts it, so that an engine that dies cannot leave a process nobody knows about.
     */
    default boolean startsProcesses() {
        return false;
    }
}
