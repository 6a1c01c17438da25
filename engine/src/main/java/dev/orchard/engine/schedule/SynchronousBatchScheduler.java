package dev.orchard.engine.schedule;

import java.util.Collections;
import java.util.List;

/** Runs trials in batches of {@code batchSize}; a new batch starts only when the previous one has fully finished. */
public record SynchronousBatchScheduler(int batchSize) implements Scheduler {

    public SynchronousBatchScheduler {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch_size must be at least 1, got " + batchSize);
        }
    }

    @Override
    public int slots() {
        return batchSize;
    }

    @Override
    public List<Launch> next(SweepView view) {
        int n = view.running() == 0 ? Math.min(batchSize, view.remainingBudget()) : 0;
        return Collections.nCopies(Math.max(0, n), Launch.FRESH);
    }
}
