package dev.orchard.engine.execute;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

/** What one trial needs while it runs: whole GPUs and CPU slots. JSON: {@code {"gpus": 1, "cpus": 4}}. */
public record ResourceRequest(@JsonProperty("gpus") int gpus, @JsonProperty("cpus") int cpus) {
    /** One CPU slot, no GPU: the default per trial. */
    public static final ResourceRequest DEFAULT = new ResourceRequest(0, 1);

    public ResourceRequest {
        if (gpus < 0) {
            throw new IllegalArgumentException("a trial's gpus must be >= 0, got " + gpus);
        }
        if (cpus < 0) {
            throw new IllegalArgumentException("a trial's cpus must be >= 0, got " + cpus);
        }
    }

    /** JSON form: a left-out {@code gpus} is 0, a left-out {@code cpus} is 1. */
    @JsonCreator
    public static ResourceRequest json(@JsonProperty("gpus") Integer gpus, @JsonProperty("cpus") Integer cpus) {
        return new ResourceRequest(gpus == null ? 0 : gpus, cpus == null ? 1 : cpus);
    }

    @Override
    public String toString() {
        return gpus + " GPU" + (gpus == 1 ? "" : "s") + " and " + cpus + " CPU slot" + (cpus == 1 ? "" : "s");
    }
}
