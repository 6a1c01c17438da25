package dev.orchard.engine.execute;

import dev.orchard.engine.trial.Resources;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

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

    /**
     * True once the trial should end: the sweep is stopping, the user paused or stopped the trial, or the scheduler
     * stopped or paused it. A trial that can checkpoint should do so (to {@link #checkpointDir()}) and return; the
     * engine knows which of these it asked for. Command trials get SIGTERM instead.
     */
    boolean stopRequested();

    /** Where this trial's log goes (command trials write their output there). */
    Path logFile();

    /** This trial's own checkpoint directory (created before the trial starts; kept across pause and resume). */
    default Path checkpointDir() {
        return logFile().resolveSibling("checkpoints").resolve("trial-" + number());
    }

    /**
     * The checkpoint to continue from: empty on a fresh start; this trial's own directory when it resumes after a pause
     * or a crash of the engine; a copy of the parent's checkpoint for a trial derived from another (PBT).
     */
    default Optional<Path> resumeFrom() {
        return Optional.empty();
    }

    /**
     * For a trial restarted from a checkpoint (after a pause or a crash of the engine): the last value of the
     * objective's metric it reported before, so one that finds nothing left to do still has a result. Empty otherwise.
     */
    default OptionalDouble previousValue() {
        return OptionalDouble.empty();
    }

    /** The step of {@link #previousValue()}; -1 without one. */
    default long previousStep() {
        return -1;
    }

    /**
     * True, once, when this trial was running when an earlier engine died: a runner whose trials outlive the engine
     * (a process, a cluster job) then picks up that run — watches it if it still runs, reads back what it reported
     * while no engine listened — rather than starting a new one. Asking consumes the answer: a retry starts afresh.
     */
    default boolean pickUpEarlierRun() {
        return false;
    }

    /**
     * A new run of this trial starts after an earlier one that reported (a restart from its checkpoint): its first
     * report supersedes what was reported from that step on.
     */
    default void newRun() {
    }

    /** The devices and CPU slots this trial holds while it runs. */
    default Resources resources() {
        return Resources.NONE;
    }

    /**
     * A command runner calls this right after it started the trial's process (the leader of its own process group),
     * so the engine records the PID and can end the group after a crash of the engine.
     */
    default void processStarted(ProcessHandle process) {
    }
}
