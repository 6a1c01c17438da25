package dev.orchard.engine.store;

import java.util.List;
import java.util.Optional;

/**
 * What a sweep needs to continue after its engine died, stored with the trials it launched: the optimizer's and the
 * scheduler's state (JSON), the next trial number, the finished trials the optimizer was told (in the order told), and
 * the trials the user paused. {@code observed} is taken as given, not copied: a sweep checkpoints after every trial and
 * passes an immutable snapshot (copying thousands of numbers each time made a long sweep quadratic).
 */
public record SweepCheckpoint(Optional<String> optimizerStateJson, Optional<String> schedulerStateJson, int nextNumber,
                              List<Integer> observed, List<Integer> pausedByUser) {
    public SweepCheckpoint {
        observed = java.util.Collections.unmodifiableList(observed);
        pausedByUser = List.copyOf(pausedByUser);
    }
}
