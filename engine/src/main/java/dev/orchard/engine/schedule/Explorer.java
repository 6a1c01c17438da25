package dev.orchard.engine.schedule;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * PBT's explore step: a configuration near a parent's, for the trial that continues from the parent's checkpoint. The
 * default is {@link PerturbExplorer}; a user swaps in another through {@link PbtScheduler}'s constructor.
 */
@FunctionalInterface
public interface Explorer {

    /** A new configuration from {@code parent}'s; draws only from {@code rng}, so the result is reproducible. */
    Map<String, Object> explore(Map<String, Object> parent, SplittableRandom rng);
}
