package dev.orchard.engine.schedule;

/**
 * How trials are launched and (later) stopped, paused or promoted. The sweep loop asks it, each time something
 * changes, how many new trials may start now.
 */
public interface Scheduler {

    /** Trials that may run at the same time (worker threads or process slots). */
    int slots();

    /** How many new trials to launch now, given how many run and how many the budget still allows. */
    int launchable(int running, int remainingBudget);

    /** Decision on an intermediate result; the synchronous batch scheduler always continues. */
    default Decision onReport(int trial, long step, double value) {
        return Decision.CONTINUE;
    }

    enum Decision { CONTINUE, STOP }
}
