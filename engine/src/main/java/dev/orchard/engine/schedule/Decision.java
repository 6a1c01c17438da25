package dev.orchard.engine.schedule;

import java.util.Map;

/**
 * What happens to a trial after an intermediate result. {@code reason} and {@code details} are published as a
 * {@code SchedulerDecision} event (which rung, the cut-off value, the median compared with) so a user can see why.
 */
public record Decision(Kind kind, String reason, Map<String, Object> details) {

    public enum Kind {
        /** Keep running. */
        CONTINUE,
        /** End now; the trial is recorded as pruned with its last value. */
        STOP,
        /** Checkpoint and exit; the scheduler may later {@link Launch.Resume resume} it. */
        PAUSE
    }

    public static final Decision CONTINUE = new Decision(Kind.CONTINUE, "", Map.of());

    public Decision {
        details = details == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(details));
    }

    public static Decision stop(String reason, Map<String, Object> details) {
        return new Decision(Kind.STOP, reason, details);
    }

    public static Decision pause(String reason, Map<String, Object> details) {
        return new Decision(Kind.PAUSE, reason, details);
    }
}
