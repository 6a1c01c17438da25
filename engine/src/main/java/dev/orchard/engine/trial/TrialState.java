package dev.orchard.engine.trial;

/** Life cycle of a trial. The last four are final. */
public enum TrialState {
    PENDING, RUNNING, COMPLETED, FAILED, PRUNED, STOPPED;

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
