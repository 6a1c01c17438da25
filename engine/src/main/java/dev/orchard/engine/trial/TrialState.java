package dev.orchard.engine.trial;

/**
 * Life cycle of a trial. The last four are final. {@code PAUSED}: the trial checkpointed and exited (the user paused
 * it, or a scheduler paused it at a rung) and may be resumed from its checkpoint.
 */
public enum TrialState {
    PENDING, RUNNING, PAUSED, COMPLETED, FAILED, PRUNED, STOPPED;

    public boolean finished() {
        return this == COMPLETED || this == FAILED || this == PRUNED || this == STOPPED;
    }

    /** Lower-case name as used in JSON and the protocol. */
    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static TrialState parse(String s) {
        for (TrialState t : values()) {
            if (t.wire().equalsIgnoreCase(s)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown trial state '" + s + "'; expected one of "
                + java.util.Arrays.stream(values()).map(TrialState::wire).toList());
    }
}
