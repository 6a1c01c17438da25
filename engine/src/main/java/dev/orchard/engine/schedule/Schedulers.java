package dev.orchard.engine.schedule;

import java.util.List;

/** Builds a scheduler from its spec; unknown types get an error listing the valid ones. */
public final class Schedulers {
    public static final List<String> TYPES = List.of("sync_batch");

    private Schedulers() {
    }

    public static Scheduler create(SchedulerSpec spec) {
        if ("sync_batch".equals(spec.type())) {
            return new SynchronousBatchScheduler(spec.batchSize());
        }
        throw new IllegalArgumentException("unknown scheduler type '" + spec.type() + "'; valid: " + String.join(", ", TYPES));
    }
}
