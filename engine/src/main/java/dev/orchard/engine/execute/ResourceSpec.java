package dev.orchard.engine.execute;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.orchard.engine.trial.GpuStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code resources} of an experiment spec: {@code {"gpus": [0, 1], "cpus": 8, "per_trial": {"gpus": 1, "cpus": 2}}}.
 * {@code gpus} absent: the GPUs {@code nvidia-smi} finds (none without it); {@code []}: none. {@code cpus} absent: the
 * machine's processors. {@code per_trial} absent: one CPU slot, no GPU.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ResourceSpec(@JsonProperty("gpus") List<Integer> gpus,
                           @JsonProperty("cpus") Integer cpus,
                           @JsonProperty("per_trial") ResourceRequest perTrial) {
    private static final Logger LOG = LoggerFactory.getLogger(ResourceSpec.class);
    public static final ResourceSpec DEFAULT = new ResourceSpec(null, null, null);

    public ResourceSpec {
        if (gpus != null) {
            var seen = new HashSet<Integer>();
            for (Integer g : gpus) {
                if (g == null || g < 0) {
                    throw new IllegalArgumentException("resources.gpus must list GPU indices (integers >= 0), got " + g);
                }
                if (!seen.add(g)) {
                    throw new IllegalArgumentException("resources.gpus lists GPU " + g + " twice");
                }
            }
            gpus = List.copyOf(gpus);
        }
        if (cpus != null && cpus < 1) {
            throw new IllegalArgumentException("resources.cpus must be >= 1, got " + cpus);
        }
        perTrial = perTrial == null ? ResourceRequest.DEFAULT : perTrial;
    }

    /**
     * The pool these settings describe on this machine. GPUs the user lists must be among those {@code nvidia-smi}
     * finds; when it cannot answer (absent, failing), the list is trusted. Fails with {@link IllegalArgumentException}
     * when a listed GPU does not exist or when {@code per_trial} could never fit.
     */
    public ResourcePool pool(GpuInventory inventory) {
        List<Integer> chosen;
        if (gpus == null) {
            chosen = inventory.detect().stream().map(GpuStatus::index).toList();
        } else if (gpus.isEmpty()) {
            chosen = gpus;
        } else {
            GpuInventory.Detection d = inventory.query();
            if (d.known()) {
                Set<Integer> found = d.gpus().stream().map(GpuStatus::index).collect(Collectors.toSet());
                for (int g : gpus) {
                    if (!found.contains(g)) {
                        throw new IllegalArgumentException("resources.gpus lists GPU " + g + ", but nvidia-smi found "
                                + (d.gpus().isEmpty() ? "no GPU" : d.gpus().stream()
                                .map(s -> s.index() + " (" + s.name() + ")").collect(Collectors.joining(", "))));
                    }
                }
            } else {
                LOG.info("using GPUs {} as resources.gpus lists them, unchecked: {}", gpus, d.problem().orElseThrow());
            }
            chosen = gpus;
        }
        int slots = cpus != null ? cpus : Runtime.getRuntime().availableProcessors();
        ResourcePool pool = new ResourcePool(chosen, slots);
        try {
            pool.check(perTrial);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("resources.per_trial: " + e.getMessage()
                    + (gpus == null && perTrial.gpus() > 0 && chosen.isEmpty() ? " (no GPU was detected)" : ""), e);
        }
        return pool;
    }
}
