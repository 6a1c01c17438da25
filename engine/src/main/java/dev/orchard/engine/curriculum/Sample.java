package dev.orchard.engine.curriculum;

import java.util.OptionalInt;

/** What a curriculum chose: a task, and for difficulty bins the bin it came from (0 easiest). */
public record Sample(Task task, OptionalInt bin) {
    public Sample {
        java.util.Objects.requireNonNull(task, "task");
        bin = bin == null ? OptionalInt.empty() : bin;
    }
}
