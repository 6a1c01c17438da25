package dev.orchard.engine.trial;

import java.util.List;

/**
 * What a trial holds while it runs: GPU indices (as {@code nvidia-smi} numbers them; given to the trial as
 * {@code CUDA_VISIBLE_DEVICES}) and CPU slots.
 */
public record Resources(List<Integer> gpus, int cpus) {
    public static final Resources NONE = new Resources(List.of(), 0);

    public Resources {
        gpus = List.copyOf(gpus);
        if (cpus < 0) {
            throw new IllegalArgumentException("cpus must be >= 0, got " + cpus);
        }
    }

    /** {@code CUDA_VISIBLE_DEVICES} for these GPUs: comma-separated indices, empty (no GPU visible) when none. */
    public String cudaVisibleDevices() {
        return String.join(",", gpus.stream().map(String::valueOf).toList());
    }
}
