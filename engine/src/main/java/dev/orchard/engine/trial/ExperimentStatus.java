package dev.orchard.engine.trial;

import java.util.Locale;

/** Life cycle of an experiment. INTERRUPTED: found running when the database was opened (the engine died). */
public enum ExperimentStatus {
    CREATED, RUNNING, PAUSING, PAUSED, STOPPING, COMPLETED, STOPPED, FAILED, INTERRUPTED;

    public boolean finished() {
        return this == COMPLETED || this == STOPPED || this == FAILED || this == INTERRUPTED;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ExperimentStatus parse(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }
}
