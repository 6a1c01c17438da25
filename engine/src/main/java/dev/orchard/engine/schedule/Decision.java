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

    /** The detail that marks a {@link #done() done} stop. */
    public static final String DONE = "done";

    /**
     * A stop because the trial has had its full budget (ASHA at {@code max_steps}, a PBT member after its last
     * generation), not because it was worse: {@link Kind#STOP} with {@code "done": true} in the details, so a sweep may
     * record the trial as completed with its last value rather than as pruned.
     */
    public static Decision done(String reason, Map<String, Object> details) {
        var d = new java.util.LinkedHashMap<String, Object>(details == null ? Map.of() : details);
        d.put(DONE, true);
        return new Decision(Kind.STOP, reason, d);
    }

    /** True for a {@link #done(String, Map) done} stop: the trial used its whole budget. */
    public boolean done() {
        return kind == Kind.STOP && Boolean.TRUE.equals(details.get(DONE));
    }

    /** The same decision with more details (a Hyperband bracket adds its number). */
    public Decision with(String key, Object value) {
        if (kind == Kind.CONTINUE && details.isEmpty()) {
            return this;
        }
        var d = new java.util.LinkedHashMap<String, Object>(details);
        d.put(key, value);
        return new Decision(kind, reason, d);
    }
}
