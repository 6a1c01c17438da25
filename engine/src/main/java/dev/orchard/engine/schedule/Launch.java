package dev.orchard.engine.schedule;

import java.util.Map;

/** What a scheduler asks the sweep to start. */
public sealed interface Launch {

    /** A new trial with a configuration the optimizer suggests (counts against the budget). */
    record Fresh() implements Launch {
    }

    /**
     * Continue trial {@code trial}, which the scheduler paused, from its own last checkpoint (ASHA promotion). Creates no
     * new trial and does not count against the budget.
     */
    record Resume(int trial, String reason) implements Launch {
    }

    /**
     * A new trial that starts from {@code parent}'s last checkpoint with {@code params} (PBT exploit and explore). Counts
     * against the budget; the parent's checkpoint directory is copied to the new trial's before it starts.
     */
    record Derived(int parent, Map<String, Object> params, String reason) implements Launch {
        public Derived {
            params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        }
    }

    Launch FRESH = new Fresh();
}
