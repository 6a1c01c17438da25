package dev.orchard.engine.schedule;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * How trials run. {@code sync_batch}: {@code batchSize} trials run at once, and the next batch is suggested when the
 * whole batch has finished (so every suggestion sees every earlier result).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SchedulerSpec(String type, Integer batchSize) {
    public static final SchedulerSpec DEFAULT = new SchedulerSpec("sync_batch", 1);

    public SchedulerSpec {
        type = type == null ? "sync_batch" : type;
        batchSize = batchSize == null ? 1 : batchSize;
    }
}
